"""The Elastic Security node (Kibana's cases, comments, tags, alerts and
connectors) as a WebAssembly component, with a typed API on wasmtime.

`ElasticSecurity` loads the component; its attributes `cases`, `case_comments`,
`case_tags` and `connectors` hold the operations. The records, enums and variants
of the WIT are the dataclasses and enums of this module."""

from ._client import ElasticSecurity as ElasticSecurity
from ._runtime import ElasticSecurityError as ElasticSecurityError
from ._types import *  # noqa: F401,F403 (the WIT's types; `_types.__all__`)
