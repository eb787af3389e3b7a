//! Kibana's enums (in `elastic_security_wire`, named as in Kibana's JSON) and the
//! WIT enums of the same variants, converted both ways. A variant missing on either
//! side does not compile.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use elastic_security_wire::{case_comments, cases, name_of};
use serde::Serialize;

use crate::api::cases::ActivityType;
use crate::types as wit;

/// Kibana's names of WIT enum `values` (as the wire enum `W`), each once, in the
/// order given: for query filters, which are sets.
pub fn names_once<W, T>(values: &[T]) -> Vec<String>
where
    T: Copy,
    W: From<T> + PartialEq + Serialize,
{
    let mut unique: Vec<W> = Vec::new();
    for value in values {
        let value = W::from(*value);
        if !unique.contains(&value) {
            unique.push(value);
        }
    }
    unique.iter().map(name_of).collect()
}

/// `From` both ways between a wire enum and the WIT enum of the same variants.
macro_rules! same_variants {
    ($wire:ty, $wit:ty, [$($variant:ident),+ $(,)?]) => {
        impl From<$wit> for $wire {
            fn from(value: $wit) -> Self {
                match value {
                    $(<$wit>::$variant => <$wire>::$variant,)+
                }
            }
        }

        impl From<$wire> for $wit {
            fn from(value: $wire) -> Self {
                match value {
                    $(<$wire>::$variant => <$wit>::$variant,)+
                }
            }
        }
    };
}

same_variants!(cases::Status, wit::CaseStatus, [Open, InProgress, Closed]);
same_variants!(
    cases::Severity,
    wit::Severity,
    [Low, Medium, High, Critical]
);
same_variants!(
    cases::Owner,
    wit::Owner,
    [Cases, Observability, SecuritySolution]
);
same_variants!(
    cases::ConnectorType,
    wit::CaseConnectorType,
    [
        None,
        Jira,
        Servicenow,
        ServicenowSir,
        Resilient,
        Swimlane,
        CasesWebhook
    ]
);
same_variants!(
    cases::SortField,
    wit::SortField,
    [CreatedAt, UpdatedAt, Title, Status, Severity]
);
same_variants!(cases::SortOrder, wit::SortOrder, [Asc, Desc]);
same_variants!(
    cases::ActivityType,
    ActivityType,
    [
        Action,
        Alert,
        Assignees,
        Attachment,
        Comment,
        Connector,
        CreateCase,
        Description,
        Pushed,
        Settings,
        Severity,
        Status,
        Tags,
        Title,
        User,
        Workflow
    ]
);
same_variants!(
    case_comments::AttachmentType,
    wit::AttachmentType,
    [
        User,
        Alert,
        Actions,
        ExternalReference,
        PersistableState,
        Other
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_convert_both_ways() {
        for status in [
            wit::CaseStatus::Open,
            wit::CaseStatus::InProgress,
            wit::CaseStatus::Closed,
        ] {
            assert_eq!(wit::CaseStatus::from(cases::Status::from(status)), status);
        }
        assert_eq!(
            cases::Owner::from(wit::Owner::SecuritySolution),
            cases::Owner::SecuritySolution
        );
        assert_eq!(
            wit::AttachmentType::from(case_comments::AttachmentType::PersistableState),
            wit::AttachmentType::PersistableState
        );
    }

    #[test]
    fn names_once_keeps_the_first_of_each() {
        let owners = [
            wit::Owner::Cases,
            wit::Owner::SecuritySolution,
            wit::Owner::Cases,
        ];
        assert_eq!(
            names_once::<cases::Owner, _>(&owners),
            ["cases", "securitySolution"]
        );
        assert_eq!(
            names_once::<cases::ActivityType, _>(&[ActivityType::CreateCase]),
            ["create_case"]
        );
    }
}
