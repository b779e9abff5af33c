"""Reports over what sentinel already wrote (scan results, audit logs): ``sentinel report``."""
