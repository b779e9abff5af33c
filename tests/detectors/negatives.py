"""Hard negatives: text that looks like PII or secrets to a naive pattern and must stay clean."""

from __future__ import annotations

HARD_NEGATIVES: tuple[str, ...] = (
    # order, invoice, tracking and part numbers
    "Order number 4532015112830366 shipped on 2023-04-05.",
    "Order #1234567890 will arrive soon",
    "Invoice INV-2023-000123456 is overdue",
    "Tracking: 1Z999AA10123456784",
    "Part no. 12345-67890-12 is out of stock",
    "Your ticket 555-123-4567 has been escalated",
    # versions, section numbers, dates and times
    "Upgrade to version 1.2.3.4 of the SDK",
    "Python 3.11.4 and node v18.17.1 are installed",
    "Chapter 3.2.1.4 describes the protocol",
    "Meeting on 2024-03-15 at 10:30:00 in room 4",
    "The dates 12/05/2023 and 05.12.2023 are the same day",
    "The build ran from 2024-05-14T10:32:07Z to 2024-05-14T10:41:55Z",
    # identifiers and digests
    "uuid 123e4567-e89b-12d3-a456-426614174000",
    "commit 3f786850e387550fdab836ed7e6dc881de23001b",
    "git sha e83c5163316f89bfbde7d9ab23ca2e25604af290",
    "sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "md5 hash d41d8cd98f00b204e9800998ecf8427e",
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "The MAC address is 00:1a:2b:3c:4d:5e",
    "ISBN 978-3-16-148410-0",
    # arithmetic and measurements
    "If John has 1234567 apples and gives away 7654321, how many remain?",
    "Compute 555 1234 + 987 6543 and divide by 7",
    "Population grew from 1,234,567 to 2.345.678 people",
    "The value of pi is 3.14159265358979",
    "Call stack depth 1024 2048 4096 8192",
    "Temperature readings 12.5 13.7 14.2 15.9",
    "A train leaves at 14:05 and covers 1200 km in 9 hours 30 minutes",
    # code and prose around secret words
    "std::vector<int> values; a::b::c(); time 12:30:45 and ratio 16:9",
    "ratio 1:2:3:4:5:6:7:8",
    "password: must be at least 8 characters",
    "Enter your password: ********",
    "set password=${DB_PASSWORD}",
    "the token count is 4096",
    "api_key = os.getenv('OPENAI_API_KEY')",
    "password = form.password.data",
    "api_key: YOUR_API_KEY",
    "The secret to happiness is gratitude",
    "the password is incorrect, try again",
    "skip-navigation-link-for-accessibility-users and task-runner-12345678901234567890",
    "RUN apt-get install -y libssl-dev=1.1.1f-1ubuntu2.16",
    "postgres://user:password@localhost:5432/app",
    # numbers that fail their checksum or range
    "Serial 4111-1111-1111-1112 is invalid",
    "SSN 000-12-3456 and 666-12-3456 and 900-12-3456 and 123-00-4567 and 123-45-0000",
    "IBAN GB82WEST12345698765433 is wrong",
    "10.0.0.256 is not an address, nor is 1.2.3",
    "Dear Sir or Madam,",
    "Step 1: born in the USA",
)
