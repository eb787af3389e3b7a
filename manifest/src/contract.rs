//! The node's contract as data: for each of the 20 operations its name (the WIT
//! function's), title, resource, Kibana route and example, and for each input the
//! contract's key (`Title`, `CaseIds`, `SpaceId`, ...) with the WIT field it fills, its
//! help, default and limits; then the contract's spelling of each WIT enum value and
//! how a WIT result is written with the contract's keys.
//!
//! What the WIT already says (types, which fields are `option`, enum values, docs) is
//! not repeated here: [`crate::manifest`] reads it from the WIT and checks that the two
//! agree. The CLI (`elastic-security help`) and the node manifest are both made from
//! this table.

/// One operation of the node.
#[derive(Debug)]
pub struct Operation {
    /// The CLI's name, which is also the WIT function's (`create-case`).
    pub name: &'static str,
    /// The contract's display name ("Create a Case").
    pub title: &'static str,
    pub resource: Resource,
    /// The contract's inputs, required first.
    pub inputs: &'static [Input],
    /// The Kibana requests it makes.
    pub route: &'static str,
    /// A sample input (JSON), shown by `elastic-security help <operation>`.
    pub example: &'static str,
    /// The StatusCode of a success (delete-case reports its own).
    pub success_status: u16,
    /// For a WIT result that is a list: the output key it is written under.
    pub list_output: Option<&'static str>,
}

/// The node's resources, as workflow editors group the operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Case,
    CaseComment,
    CaseTag,
    Connector,
}

impl Resource {
    pub const ALL: [Resource; 4] = [
        Resource::Case,
        Resource::CaseComment,
        Resource::CaseTag,
        Resource::Connector,
    ];

    /// The value a platform stores (`caseComment`).
    pub fn value(self) -> &'static str {
        match self {
            Resource::Case => "case",
            Resource::CaseComment => "caseComment",
            Resource::CaseTag => "caseTag",
            Resource::Connector => "connector",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Resource::Case => "Case",
            Resource::CaseComment => "Case Comment",
            Resource::CaseTag => "Case Tag",
            Resource::Connector => "Connector",
        }
    }

    /// The WIT interface its operations are in.
    pub fn interface(self) -> &'static str {
        match self {
            Resource::Case => "cases",
            Resource::CaseComment => "case-comments",
            Resource::CaseTag => "case-tags",
            Resource::Connector => "connectors",
        }
    }
}

/// One input of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Input {
    /// The contract's key (`CaseIds`).
    pub key: &'static str,
    /// The label a form shows; `None`: the key in words (`Case IDs`).
    pub label: Option<&'static str>,
    /// What it fills: a field of the function's record parameter, a parameter of the
    /// function, or the connection's space.
    pub wit: Target,
    pub required: bool,
    /// The help a form shows under the field, without what the WIT already gives
    /// (type, allowed values) or what the fields below say (default, limits).
    pub help: &'static str,
    /// The default the operation applies when the input is absent, as the contract
    /// spells it (`low`, `20`, `false`).
    pub default: Option<&'static str>,
    /// Inclusive bounds of a number.
    pub range: Option<(u32, u32)>,
    /// The most characters of a string, or items of a list.
    pub max_len: Option<u32>,
    /// A JSON object, or a string holding one (the WIT takes the JSON text).
    pub json: bool,
    /// Where a form finds values to offer.
    pub suggest: Option<Suggest>,
}

/// Where an input goes in the WIT call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A field of the function's record parameter (`input`).
    Field(&'static str),
    /// A parameter of the function itself (`case-id` of `get-case-status`).
    Param(&'static str),
    /// The connection's `space-id`.
    Space,
}

/// Values to offer for an input: the output list `output` of `operation`; of its
/// items, `value` is what is stored and `label` what is shown (`None`: the items are
/// the values).
#[derive(Debug, Clone, Copy)]
pub struct Suggest {
    pub operation: &'static str,
    pub output: &'static str,
    pub value: Option<&'static str>,
    pub label: Option<&'static str>,
}

const fn input(key: &'static str, wit: Target, required: bool, help: &'static str) -> Input {
    Input {
        key,
        label: None,
        wit,
        required,
        help,
        default: None,
        range: None,
        max_len: None,
        json: false,
        suggest: None,
    }
}

/// A required field of the record parameter.
const fn req(key: &'static str, field: &'static str, help: &'static str) -> Input {
    input(key, Target::Field(field), true, help)
}

/// An optional field of the record parameter.
const fn opt(key: &'static str, field: &'static str, help: &'static str) -> Input {
    input(key, Target::Field(field), false, help)
}

/// A parameter of the function.
const fn param(key: &'static str, name: &'static str, required: bool, help: &'static str) -> Input {
    input(key, Target::Param(name), required, help)
}

impl Input {
    const fn default(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }
    const fn range(mut self, min: u32, max: u32) -> Self {
        self.range = Some((min, max));
        self
    }
    const fn max_len(mut self, n: u32) -> Self {
        self.max_len = Some(n);
        self
    }
    const fn json(mut self) -> Self {
        self.json = true;
        self
    }
    const fn label(mut self, label: &'static str) -> Self {
        self.label = Some(label);
        self
    }
    const fn suggest(mut self, s: Suggest) -> Self {
        self.suggest = Some(s);
        self
    }

    /// The label a form shows.
    pub fn label_text(&self) -> String {
        match self.label {
            Some(label) => label.to_string(),
            None => words(self.key),
        }
    }
}

/// `CaseIds` as `Case IDs`: the key in words, `Id` as `ID`.
fn words(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.char_indices() {
        if i > 0 && c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c);
    }
    out.split(' ')
        .map(|w| match w {
            "Id" => "ID",
            "Ids" => "IDs",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const SPACE: Input = input(
    "SpaceId",
    Target::Space,
    false,
    "The Kibana space; any other than `default` is addressed as /s/{SpaceId}/api/...",
)
.label("Space")
.default("default");

const TAG_PICKER: Suggest = Suggest {
    operation: "get-case-tags",
    output: "Tags",
    value: None,
    label: None,
};

const CONNECTOR_PICKER: Suggest = Suggest {
    operation: "get-many-connectors",
    output: "Connectors",
    value: Some("ConnectorId"),
    label: Some("Name"),
};

const RETURN_ALL: Input = opt(
    "ReturnAll",
    "return-all",
    "Every item, 100 per request; Page and PerPage are then ignored.",
)
.default("false");
const LIMIT: Input = opt("Limit", "limit", "With ReturnAll: at most this many items.")
    .default("1000")
    .range(1, 10000);
const MAX_IN_FLIGHT: Input = opt(
    "MaxInFlight",
    "max-in-flight",
    "With ReturnAll: pages requested together once the first gives the total (1: one after the other).",
)
.default("4")
.range(1, 16);
const OWNERS: Input = opt("Owner", "owners", "Only these owners (one or more).");
const PAGE: Input = opt("Page", "page", "The 1-based page.")
    .default("1")
    .range(1, 10000);
const CASE_ID: Input = req("CaseId", "case-id", "The case's id.");

/// What get-comment and remove-comment take: one comment of one case.
const ONE_COMMENT: &[Input] = &[
    param("CaseId", "case-id", true, "The case's id."),
    param("CommentId", "comment-id", true, "The comment's id."),
    SPACE,
];
const ONE_COMMENT_EXAMPLE: &str = r#"{"CaseId":"<case id>","CommentId":"<comment id>"}"#;

/// add-tag and remove-tag: the same inputs, the same two requests.
const TAG_CHANGE: Operation = Operation {
    name: "",
    title: "",
    resource: Resource::CaseTag,
    inputs: &[
        param("CaseId", "case-id", true, "The case's id."),
        param("Tags", "tags", true, "The tags (one or more).").suggest(TAG_PICKER),
        SPACE,
    ],
    route: "GET /api/cases/{id}, then PATCH /api/cases",
    example: r#"{"CaseId":"<case id>","Tags":"triage,p1"}"#,
    success_status: 200,
    list_output: None,
};

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "create-case",
        title: "Create a Case",
        resource: Resource::Case,
        inputs: &[
            req("Title", "title", "The case's title.").max_len(160),
            req("Owner", "owner", "The application that owns the case."),
            opt("Description", "description", "Kibana requires one: when absent, the Title is sent.")
                .max_len(30000),
            opt("ConnectorId", "connector-id", "The external connector's id (default none).")
                .suggest(CONNECTOR_PICKER),
            opt("ConnectorName", "connector-name", "The external connector's name (default none)."),
            opt("ConnectorType", "connector-type", "The external connector's type.").default(".none"),
            opt("Severity", "severity", "The case's severity.").default("low"),
            opt("Tags", "tags", "The case's tags.").max_len(200).suggest(TAG_PICKER),
            opt("Assignees", "assignees", "User profile uids.").max_len(10),
            opt(
                "IdempotencyKey",
                "idempotency-key",
                "1 to 240 of A-Z a-z 0-9 - _ . ; the case carries the tag idempotency-key-<key>, and a call with the key of an existing case (same SpaceId and Owner) returns that case (Created false) instead of making another.",
            )
            .max_len(240),
            SPACE,
        ],
        route: "POST /api/cases (with IdempotencyKey, GET /api/cases/_find?tags= first)",
        example: r#"{"Title":"Phishing wave","Owner":"securitySolution","Severity":"high","Tags":"phishing,email","IdempotencyKey":"phishing-2024-06-01"}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "delete-case",
        title: "Delete a Case",
        resource: Resource::Case,
        inputs: &[
            req("CaseIds", "case-ids", "The ids of the cases (one or more).").max_len(100),
            opt(
                "MaxInFlight",
                "max-in-flight",
                "When Kibana refuses the batch: requests per id sent together (1: one after the other).",
            )
            .default("4")
            .range(1, 16),
            SPACE,
        ],
        route: "DELETE /api/cases?ids=[...]",
        example: r#"{"CaseIds":"<case id>,<case id>"}"#,
        success_status: 204,
        list_output: None,
    },
    Operation {
        name: "get-case",
        title: "Get a Case",
        resource: Resource::Case,
        inputs: &[
            CASE_ID,
            opt("IncludeComments", "include-comments", "Also read every comment of the case.")
                .default("false"),
            opt(
                "MaxInFlight",
                "max-in-flight",
                "With IncludeComments: pages of comments requested together (1: one after the other).",
            )
            .default("4")
            .range(1, 16),
            SPACE,
        ],
        route: "GET /api/cases/{id} (+ comments/_find)",
        example: r#"{"CaseId":"<case id>","IncludeComments":true}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "get-many-cases",
        title: "Get many Cases",
        resource: Resource::Case,
        inputs: &[
            PAGE,
            opt("PerPage", "per-page", "Cases per page; Page × PerPage at most 10000.")
                .default("20")
                .range(1, 100),
            opt("SortField", "sort-field", "The field the cases are sorted by.").default("createdAt"),
            opt("SortOrder", "sort-order", "The order.").default("desc"),
            opt("Search", "search", "Kibana's simple query string search."),
            opt("SearchFields", "search-fields", "The fields Search looks in, e.g. title,description."),
            opt("Status", "status", "Only cases with this status."),
            OWNERS,
            opt("Assignees", "assignees", "Only cases assigned to these user profile uids.").max_len(100),
            RETURN_ALL,
            LIMIT,
            MAX_IN_FLIGHT,
            SPACE,
        ],
        route: "GET /api/cases/_find",
        example: r#"{"Status":"open","Owner":"securitySolution","SortField":"updatedAt","PerPage":50}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "get-case-status",
        title: "Get the Status of a Case",
        resource: Resource::Case,
        inputs: &[param("CaseId", "case-id", true, "The case's id."), SPACE],
        route: "GET /api/cases/{id}",
        example: r#"{"CaseId":"<case id>","SpaceId":"security"}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "update-case",
        title: "Update a Case",
        resource: Resource::Case,
        inputs: &[
            CASE_ID,
            req("Version", "version", "The case's version last read; a stale one is Kibana's 409."),
            opt("Title", "title", "The new title.").max_len(160),
            opt("Description", "description", "The new description.").max_len(30000),
            opt("Status", "status", "The new status."),
            opt("Severity", "severity", "The new severity."),
            opt("Tags", "tags", "Replaces all tags.").max_len(200).suggest(TAG_PICKER),
            opt("Assignees", "assignees", "Replaces all assignees.").max_len(10),
            SPACE,
        ],
        route: "PATCH /api/cases",
        example: r#"{"CaseId":"<case id>","Version":"<version>","Status":"closed"}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "get-cases-by-alert",
        title: "Find Cases by Alert",
        resource: Resource::Case,
        inputs: &[req("AlertId", "alert-id", "The alert's _id."), OWNERS, SPACE],
        route: "GET /api/cases/alerts/{alertId}",
        example: r#"{"AlertId":"<alert _id>","Owner":"securitySolution"}"#,
        success_status: 200,
        list_output: Some("Cases"),
    },
    Operation {
        name: "get-case-alerts",
        title: "Get the Alerts of a Case",
        resource: Resource::Case,
        inputs: &[param("CaseId", "case-id", true, "The case's id."), SPACE],
        route: "GET /api/cases/{id}/alerts",
        example: r#"{"CaseId":"<case id>"}"#,
        success_status: 200,
        list_output: Some("Alerts"),
    },
    Operation {
        name: "push-case",
        title: "Push a Case",
        resource: Resource::Case,
        inputs: &[
            param("CaseId", "case-id", true, "The case's id."),
            param("ConnectorId", "connector-id", true, "A case connector (.jira, .servicenow, ...).")
                .suggest(CONNECTOR_PICKER),
            SPACE,
        ],
        route: "POST /api/cases/{id}/connector/{connectorId}/_push",
        example: r#"{"CaseId":"<case id>","ConnectorId":"<connector id>"}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "get-case-activity",
        title: "Get the Activity of a Case",
        resource: Resource::Case,
        inputs: &[
            CASE_ID,
            PAGE,
            opt("PerPage", "per-page", "Actions per page; Page × PerPage at most 10000.").default("20").range(1, 100),
            opt("SortOrder", "sort-order", "The order.").default("desc"),
            opt("Types", "types", "Only these kinds of action (one or more)."),
            SPACE,
        ],
        route: "GET /api/cases/{id}/user_actions/_find",
        example: r#"{"CaseId":"<case id>","Types":"status,pushed","SortOrder":"asc"}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "add-comment",
        title: "Add a Comment to a Case",
        resource: Resource::CaseComment,
        inputs: &[
            CASE_ID,
            opt("Comment", "comment", "The text; required for user comments.").max_len(30000),
            opt("CommentType", "comment-type", "A user comment or an alert.").default("user"),
            opt("AlertId", "alert-id", "The alert's _id; required for alert comments."),
            opt("AlertIndex", "alert-index", "Alert comments: the alert's index (default .alerts-security.alerts-{SpaceId})."),
            opt("RuleId", "rule-id", "Alert comments: the rule's id (default null)."),
            opt("RuleName", "rule-name", "Alert comments: the rule's name (default null)."),
            SPACE,
        ],
        route: "POST /api/cases/{id}/comments (an alert: unless GET /api/cases/{id}/alerts has it)",
        example: r#"{"CaseId":"<case id>","CommentType":"alert","AlertId":"<alert _id>","RuleName":"Malware"}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "get-comment",
        title: "Get a Case Comment",
        resource: Resource::CaseComment,
        inputs: ONE_COMMENT,
        route: "GET /api/cases/{id}/comments/{commentId}",
        example: ONE_COMMENT_EXAMPLE,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "get-many-comments",
        title: "Get many Case Comments",
        resource: Resource::CaseComment,
        inputs: &[
            CASE_ID,
            PAGE,
            opt("PerPage", "per-page", "Comments per page; Page × PerPage at most 10000.").default("20").range(1, 100),
            RETURN_ALL,
            LIMIT,
            MAX_IN_FLIGHT,
            SPACE,
        ],
        route: "GET /api/cases/{id}/comments/_find",
        example: r#"{"CaseId":"<case id>","Page":2,"PerPage":50}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "remove-comment",
        title: "Remove a Comment from a Case",
        resource: Resource::CaseComment,
        inputs: ONE_COMMENT,
        route: "DELETE /api/cases/{id}/comments/{commentId}",
        example: ONE_COMMENT_EXAMPLE,
        success_status: 204,
        list_output: None,
    },
    Operation {
        name: "update-comment",
        title: "Update a Comment from a Case",
        resource: Resource::CaseComment,
        inputs: &[
            CASE_ID,
            req("CommentId", "comment-id", "The comment's id."),
            req("Comment", "comment", "The new text.").max_len(30000),
            req("Version", "version", "The comment's version last read; a stale one is Kibana's 409."),
            SPACE,
        ],
        route: "PATCH /api/cases/{id}/comments",
        example: r#"{"CaseId":"<case id>","CommentId":"<comment id>","Version":"<version>","Comment":"Updated text"}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "add-tag",
        title: "Add a Tag to a Case",
        ..TAG_CHANGE
    },
    Operation {
        name: "remove-tag",
        title: "Remove a Tag from a Case",
        ..TAG_CHANGE
    },
    Operation {
        name: "get-case-tags",
        title: "Get the Case Tags in use",
        resource: Resource::CaseTag,
        inputs: &[param("Owner", "owners", false, "Only the tags of these owners (one or more)."), SPACE],
        route: "GET /api/cases/tags",
        example: r#"{"Owner":"securitySolution"}"#,
        success_status: 200,
        list_output: Some("Tags"),
    },
    Operation {
        name: "create-connector",
        title: "Create a Connector",
        resource: Resource::Connector,
        inputs: &[
            req("Name", "name", "The connector's name."),
            req("ConnectorTypeId", "connector-type-id", "e.g. .jira, .servicenow, .webhook, .slack, .email, .index."),
            opt("Config", "config", "The connector's configuration (default {}).").json(),
            opt("Secrets", "secrets", "The connector's secrets (default {}); never echoed.").json(),
            opt("Description", "description", "Kept in the output only; Kibana has no such field."),
            SPACE,
        ],
        route: "POST /api/actions/connector",
        example: r#"{"Name":"SOC Jira","ConnectorTypeId":".jira","Config":{"apiUrl":"https://jira.example.com","projectKey":"SOC"},"Secrets":{"email":"bot@example.com","apiToken":"<token>"}}"#,
        success_status: 200,
        list_output: None,
    },
    Operation {
        name: "get-many-connectors",
        title: "Get many Connectors",
        resource: Resource::Connector,
        inputs: &[
            param("ConnectorTypeId", "connector-type-id", false, "Only connectors of this type, e.g. .jira."),
            SPACE,
        ],
        route: "GET /api/actions/connectors",
        example: r#"{"ConnectorTypeId":".jira"}"#,
        success_status: 200,
        list_output: Some("Connectors"),
    },
];

pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}

/// The contract's spelling of each WIT enum value where it is not the WIT's own
/// (`security-solution` is `securitySolution`, Kibana's): `(enum, [(case, name)])`.
/// Every other value is spelled as in the WIT.
pub const ENUM_NAMES: &[(&str, &[(&str, &str)])] = &[
    ("owner", &[("security-solution", "securitySolution")]),
    (
        "sort-field",
        &[("created-at", "createdAt"), ("updated-at", "updatedAt")],
    ),
    ("activity-type", &[("create-case", "create_case")]),
    (
        "case-connector-type",
        &[
            ("none", ".none"),
            ("jira", ".jira"),
            ("servicenow", ".servicenow"),
            ("servicenow-sir", ".servicenow-sir"),
            ("resilient", ".resilient"),
            ("swimlane", ".swimlane"),
            ("cases-webhook", ".cases-webhook"),
        ],
    ),
    (
        "attachment-type",
        &[
            ("external-reference", "externalReference"),
            ("persistable-state", "persistableState"),
        ],
    ),
];

/// The contract's name of `case` of the WIT enum `enum_name`.
pub fn enum_value_name(enum_name: &str, case: &str) -> String {
    ENUM_NAMES
        .iter()
        .find(|(e, _)| *e == enum_name)
        .and_then(|(_, names)| names.iter().find(|(c, _)| *c == case))
        .map_or(case, |(_, name)| name)
        .to_string()
}

/// How the WIT's results are written with the contract's keys. A record field is
/// written under its name in PascalCase (`total-alerts` is `TotalAlerts`), except:
pub mod outputs {
    /// `(record, field, key)`: written under another key.
    pub const RENAMED: &[(&str, &str, &str)] = &[
        ("case-activity", "action-type", "Type"),
        ("case-comment", "comment-type", "Type"),
    ];
    /// `(record, field)`: JSON text, written as the JSON it holds (the text itself
    /// when it is not JSON).
    pub const JSON_TEXT: &[(&str, &str)] = &[
        ("connector", "config"),
        ("connector-summary", "config"),
        ("case-activity", "payload"),
    ];
    /// `(record, field, key)`: a list of strings written as objects `{key: item}`.
    pub const WRAPPED_ITEMS: &[(&str, &str, &str)] = &[("kibana-case", "assignees", "Uid")];
    /// `(record, field)`: a list left out when empty.
    pub const OMITTED_WHEN_EMPTY: &[(&str, &str)] = &[("kibana-case", "comments")];
    /// `(record, field)`: a record whose fields are written in place of it.
    pub const FLATTENED: &[(&str, &str)] = &[
        ("created-case", "kibana-case"),
        ("pushed-case", "kibana-case"),
    ];
    /// `(operation, count, message)`: a success in which the output field `count`
    /// counts the items that failed; when it is above 0, ErrorMessage is `message`
    /// with the count for `{}`.
    pub const PARTIAL_FAILURES: &[(&str, &str, &str)] = &[(
        "delete-case",
        "FailedCount",
        "{} of the cases could not be deleted",
    )];
}
