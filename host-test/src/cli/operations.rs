//! The 20 operations as the CLI lists them: the contract's name, the title, the input
//! keys with what each takes, the Kibana route and an example input.

/// One operation of the node, as the CLI lists it.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub title: &'static str,
    /// `(key, what it takes)`; required keys first.
    pub inputs: &'static [(&'static str, &'static str)],
    pub route: &'static str,
    /// A sample `--input`, shown by `elastic-security help <operation>`.
    pub example: &'static str,
}

const SPACE: (&str, &str) = ("SpaceId", "optional: Kibana space (default `default`)");
const RETURN_ALL: (&str, &str) = (
    "ReturnAll",
    "optional: true | false (default); every item, 100 per request, Page and PerPage ignored",
);
const LIMIT: (&str, &str) = (
    "Limit",
    "optional, with ReturnAll: default 1000, 1 to 10000",
);
const OWNERS: (&str, &str) = ("Owner", "optional: one or more owners");
const MAX_IN_FLIGHT: (&str, &str) = (
    "MaxInFlight",
    "optional, with ReturnAll: pages requested together once the first gives the total, default 4, 1 to 16 (1: one after the other)",
);

/// What get-comment and remove-comment take: one comment of one case.
const ONE_COMMENT: &[(&str, &str)] = &[("CaseId", "required"), ("CommentId", "required"), SPACE];
const ONE_COMMENT_EXAMPLE: &str = r#"{"CaseId":"<case id>","CommentId":"<comment id>"}"#;

/// add-tag and remove-tag: the same inputs, the same two requests.
const TAG_CHANGE: Operation = Operation {
    name: "",
    title: "",
    inputs: &[
        ("CaseId", "required"),
        ("Tags", "required: one or more"),
        SPACE,
    ],
    route: "GET /api/cases/{id}, then PATCH /api/cases",
    example: r#"{"CaseId":"<case id>","Tags":"triage,p1"}"#,
};

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "create-case",
        title: "Create a Case",
        inputs: &[
            ("Title", "required: at most 160 characters"),
            ("Owner", "required: cases | observability | securitySolution"),
            ("Description", "optional: default the Title"),
            ("ConnectorId", "optional: default none"),
            ("ConnectorName", "optional: default none"),
            ("ConnectorType", "optional: .none (default) | .jira | .servicenow | .servicenow-sir | .resilient | .swimlane | .cases-webhook"),
            ("Severity", "optional: low (default) | medium | high | critical"),
            ("Tags", "optional: comma-separated or array"),
            ("Assignees", "optional: user profile uids, comma-separated or array"),
            ("IdempotencyKey", "optional: 1 to 240 of A-Z a-z 0-9 - _ . ; the case carries the tag idempotency-key-<key>, and a call with the key of an existing case (same SpaceId and Owner) returns that case (Created false) instead of making another"),
            SPACE,
        ],
        route: "POST /api/cases (with IdempotencyKey, GET /api/cases/_find?tags= first)",
        example: r#"{"Title":"Phishing wave","Owner":"securitySolution","Severity":"high","Tags":"phishing,email","IdempotencyKey":"phishing-2024-06-01"}"#,
    },
    Operation {
        name: "delete-case",
        title: "Delete a Case",
        inputs: &[
            ("CaseIds", "required: one or more ids, comma-separated or array"),
            ("MaxInFlight", "optional: when Kibana refuses the batch, requests per id sent together, default 4, 1 to 16"),
            SPACE,
        ],
        route: "DELETE /api/cases?ids=[...]",
        example: r#"{"CaseIds":"<case id>,<case id>"}"#,
    },
    Operation {
        name: "get-case",
        title: "Get a Case",
        inputs: &[
            ("CaseId", "required"),
            ("IncludeComments", "optional: true | false (default)"),
            ("MaxInFlight", "optional, with IncludeComments: pages of comments requested together, default 4, 1 to 16"),
            SPACE,
        ],
        route: "GET /api/cases/{id} (+ comments/_find)",
        example: r#"{"CaseId":"<case id>","IncludeComments":true}"#,
    },
    Operation {
        name: "get-many-cases",
        title: "Get many Cases",
        inputs: &[
            ("Page", "optional: default 1"),
            ("PerPage", "optional: default 20, at most 100"),
            ("SortField", "optional: createdAt (default) | updatedAt | title | status | severity"),
            ("SortOrder", "optional: desc (default) | asc"),
            ("Search", "optional: search text"),
            ("SearchFields", "optional: e.g. title,description"),
            ("Status", "optional: open | in-progress | closed"),
            OWNERS,
            ("Assignees", "optional: user profile uids"),
            RETURN_ALL,
            LIMIT,
            MAX_IN_FLIGHT,
            SPACE,
        ],
        route: "GET /api/cases/_find",
        example: r#"{"Status":"open","Owner":"securitySolution","SortField":"updatedAt","PerPage":50}"#,
    },
    Operation {
        name: "get-case-status",
        title: "Get the Status of a Case",
        inputs: &[("CaseId", "required"), SPACE],
        route: "GET /api/cases/{id}",
        example: r#"{"CaseId":"<case id>","SpaceId":"security"}"#,
    },
    Operation {
        name: "update-case",
        title: "Update a Case",
        inputs: &[
            ("CaseId", "required"),
            ("Version", "required: the version last read"),
            ("Title", "optional"),
            ("Description", "optional"),
            ("Status", "optional: open | in-progress | closed"),
            ("Severity", "optional: low | medium | high | critical"),
            ("Tags", "optional: replaces all tags"),
            ("Assignees", "optional: replaces all assignees"),
            SPACE,
        ],
        route: "PATCH /api/cases",
        example: r#"{"CaseId":"<case id>","Version":"<version>","Status":"closed"}"#,
    },
    Operation {
        name: "get-cases-by-alert",
        title: "Find Cases by Alert",
        inputs: &[("AlertId", "required: the alert's _id"), OWNERS, SPACE],
        route: "GET /api/cases/alerts/{alertId}",
        example: r#"{"AlertId":"<alert _id>","Owner":"securitySolution"}"#,
    },
    Operation {
        name: "get-case-alerts",
        title: "Get the Alerts of a Case",
        inputs: &[("CaseId", "required"), SPACE],
        route: "GET /api/cases/{id}/alerts",
        example: r#"{"CaseId":"<case id>"}"#,
    },
    Operation {
        name: "push-case",
        title: "Push a Case",
        inputs: &[("CaseId", "required"), ("ConnectorId", "required: a case connector (.jira, .servicenow, ...)"), SPACE],
        route: "POST /api/cases/{id}/connector/{connectorId}/_push",
        example: r#"{"CaseId":"<case id>","ConnectorId":"<connector id>"}"#,
    },
    Operation {
        name: "get-case-activity",
        title: "Get the Activity of a Case",
        inputs: &[
            ("CaseId", "required"),
            ("Page", "optional: default 1"),
            ("PerPage", "optional: default 20, at most 100"),
            ("SortOrder", "optional: desc (default) | asc"),
            ("Types", "optional: one or more of action, alert, assignees, attachment, comment, connector, create_case, description, pushed, settings, severity, status, tags, title, user, workflow"),
            SPACE,
        ],
        route: "GET /api/cases/{id}/user_actions/_find",
        example: r#"{"CaseId":"<case id>","Types":"status,pushed","SortOrder":"asc"}"#,
    },
    Operation {
        name: "add-comment",
        title: "Add a Comment to a Case",
        inputs: &[
            ("CaseId", "required"),
            ("Comment", "required for user comments"),
            ("CommentType", "optional: user (default) | alert"),
            ("AlertId", "required for alert comments"),
            ("AlertIndex", "optional, alert: default .alerts-security.alerts-{SpaceId}"),
            ("RuleId", "optional, alert: default null"),
            ("RuleName", "optional, alert: default null"),
            SPACE,
        ],
        route: "POST /api/cases/{id}/comments (an alert: unless GET /api/cases/{id}/alerts has it)",
        example: r#"{"CaseId":"<case id>","CommentType":"alert","AlertId":"<alert _id>","RuleName":"Malware"}"#,
    },
    Operation {
        name: "get-comment",
        title: "Get a Case Comment",
        inputs: ONE_COMMENT,
        route: "GET /api/cases/{id}/comments/{commentId}",
        example: ONE_COMMENT_EXAMPLE,
    },
    Operation {
        name: "get-many-comments",
        title: "Get many Case Comments",
        inputs: &[
            ("CaseId", "required"),
            ("Page", "optional: default 1"),
            ("PerPage", "optional: default 20"),
            RETURN_ALL,
            LIMIT,
            MAX_IN_FLIGHT,
            SPACE,
        ],
        route: "GET /api/cases/{id}/comments/_find",
        example: r#"{"CaseId":"<case id>","Page":2,"PerPage":50}"#,
    },
    Operation {
        name: "remove-comment",
        title: "Remove a Comment from a Case",
        inputs: ONE_COMMENT,
        route: "DELETE /api/cases/{id}/comments/{commentId}",
        example: ONE_COMMENT_EXAMPLE,
    },
    Operation {
        name: "update-comment",
        title: "Update a Comment from a Case",
        inputs: &[
            ("CaseId", "required"),
            ("CommentId", "required"),
            ("Comment", "required: the new text"),
            ("Version", "required: the comment's version last read"),
            SPACE,
        ],
        route: "PATCH /api/cases/{id}/comments",
        example: r#"{"CaseId":"<case id>","CommentId":"<comment id>","Version":"<version>","Comment":"Updated text"}"#,
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
        inputs: &[OWNERS, SPACE],
        route: "GET /api/cases/tags",
        example: r#"{"Owner":"securitySolution"}"#,
    },
    Operation {
        name: "create-connector",
        title: "Create a Connector",
        inputs: &[
            ("Name", "required"),
            ("ConnectorTypeId", "required: e.g. .jira, .servicenow, .webhook, .slack, .email, .index"),
            ("Config", "JSON object, or a string holding one (default {})"),
            ("Secrets", "JSON object, or a string holding one (default {}); never echoed"),
            ("Description", "optional: kept in the output only; Kibana has no such field"),
            SPACE,
        ],
        route: "POST /api/actions/connector",
        example: r#"{"Name":"SOC Jira","ConnectorTypeId":".jira","Config":{"apiUrl":"https://jira.example.com","projectKey":"SOC"},"Secrets":{"email":"bot@example.com","apiToken":"<token>"}}"#,
    },
    Operation {
        name: "get-many-connectors",
        title: "Get many Connectors",
        inputs: &[("ConnectorTypeId", "optional: only connectors of this type, e.g. .jira"), SPACE],
        route: "GET /api/actions/connectors",
        example: r#"{"ConnectorTypeId":".jira"}"#,
    },
];

pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}
