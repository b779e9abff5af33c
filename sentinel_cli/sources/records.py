"""Turning a parsed record (JSON object, CSV row, Parquet row) into a ``Prompt``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sentinel_cli.model import Location, Message, Prompt

DEFAULT_TEXT_FIELDS: tuple[str, ...] = ("prompt", "text", "input", "content")
MESSAGES_FIELD = "messages"


class RecordError(ValueError):
    """One record does not hold a usable prompt; the message says why."""


def default_id(location: Location) -> str:
    return str(location)


def _content_text(content: Any, where: str) -> str:
    """Message content: a string, or OpenAI-style parts ``[{"type": "text", "text": ...}]``."""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence) and not isinstance(content, str | bytes):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "\n".join(parts)
    if content is None:
        return ""
    raise RecordError(f"{where}: content must be text")


def parse_messages(value: Any) -> tuple[Message, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise RecordError("'messages' must be a list of {role, content} objects")
    messages = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise RecordError(f"messages[{index}] must be an object with role and content")
        role = item.get("role", "user")
        messages.append(
            Message(
                role=str(role) if role is not None else "user",
                content=_content_text(item.get("content"), f"messages[{index}]"),
            )
        )
    return tuple(messages)


class FieldMapper:
    """Picks the prompt and id out of records, following ``--text-field``/``--id-field``.

    ``keep`` names other fields to carry through on ``Prompt.extra`` (labels and
    slice fields for ``sentinel eval``); scans keep none.
    """

    def __init__(self, text_field: str | None, id_field: str | None, keep: Sequence[str] = ()) -> None:
        self.text_field = text_field
        self.id_field = id_field or "id"
        self.keep = tuple(keep)

    def _extra(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return {name: record[name] for name in self.keep if name in record}

    def choose_column(self, columns: Sequence[str]) -> str:
        """The column to read from a table with a header (CSV, Parquet)."""
        if self.text_field is not None:
            if self.text_field not in columns:
                raise RecordError(f"no column '{self.text_field}' (columns: {', '.join(columns) or 'none'})")
            return self.text_field
        for name in (*DEFAULT_TEXT_FIELDS, MESSAGES_FIELD):
            if name in columns:
                return name
        raise RecordError(
            "no prompt column: looked for "
            + ", ".join((*DEFAULT_TEXT_FIELDS, MESSAGES_FIELD))
            + f" (columns: {', '.join(columns) or 'none'}); choose one with --text-field"
        )

    def _identify(self, record: Mapping[str, Any], location: Location) -> str:
        value = record.get(self.id_field)
        if value is None or value == "":
            return default_id(location)
        return str(value)

    def from_value(self, value: Any, location: Location) -> Prompt:
        """A JSON value (object or string) to a prompt."""
        if isinstance(value, str):
            return Prompt(id=default_id(location), text=value, location=location)
        if isinstance(value, Mapping):
            return self.from_mapping(value, location)
        kind = "null" if value is None else type(value).__name__
        raise RecordError(f"expected a JSON object or string, got {kind}")

    def from_mapping(self, record: Mapping[str, Any], location: Location) -> Prompt:
        field = self.text_field
        if field is None:
            field = next((name for name in DEFAULT_TEXT_FIELDS if isinstance(record.get(name), str)), None)
            if field is None and MESSAGES_FIELD in record:
                field = MESSAGES_FIELD
            if field is None:
                raise RecordError(
                    "no prompt field: looked for "
                    + ", ".join((*DEFAULT_TEXT_FIELDS, MESSAGES_FIELD))
                    + "; choose one with --text-field"
                )
        elif field not in record:
            raise RecordError(f"no field '{field}'")
        return self.from_field(record, field, location)

    def from_field(self, record: Mapping[str, Any], field: str, location: Location) -> Prompt:
        value = record.get(field)
        identity = self._identify(record, location)
        extra = self._extra(record) if self.keep else {}
        if isinstance(value, str):
            return Prompt(id=identity, text=value, location=location, extra=extra)
        if value is None:
            raise RecordError(f"field '{field}' is empty")
        if isinstance(value, Sequence | Mapping) and not isinstance(value, bytes):
            items = value if isinstance(value, Sequence) else [value]
            messages = parse_messages(items)
            text = "\n\n".join(message.content for message in messages)
            return Prompt(id=identity, text=text, location=location, messages=messages, extra=extra)
        return Prompt(id=identity, text=str(value), location=location, extra=extra)
