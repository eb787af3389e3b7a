//! One typed method per operation on `Harness`: each call runs in a fresh instance.
//! The outer `Result` is a host failure or a trap (a bug); the inner one is the
//! operation's own result.

use anyhow::Result;

use crate::bindings::{
    case_comments, case_tags, cases, connectors, CaseComment, Connection, Error, KibanaCase,
};
use crate::harness::Harness;

/// What an operation's method returns: a host failure or trap outside, the
/// operation's own result inside.
pub(crate) type Op<T> = Result<std::result::Result<T, Error>>;

impl Harness {
    pub fn create_case(&self, conn: &Connection, input: &cases::CreateCaseInput) -> Op<KibanaCase> {
        self.call_interface(conn, |g: &cases::Guest, s| {
            g.call_create_case(s, conn, input)
        })
    }

    pub fn delete_case(
        &self,
        conn: &Connection,
        input: &cases::DeleteCaseInput,
    ) -> Op<cases::DeleteCaseOutput> {
        self.call_interface(conn, |g: &cases::Guest, s| {
            g.call_delete_case(s, conn, input)
        })
    }

    pub fn get_case(&self, conn: &Connection, input: &cases::GetCaseInput) -> Op<KibanaCase> {
        self.call_interface(conn, |g: &cases::Guest, s| g.call_get_case(s, conn, input))
    }

    pub fn get_many_cases(
        &self,
        conn: &Connection,
        input: &cases::GetManyCasesInput,
    ) -> Op<cases::CasePage> {
        self.call_interface(conn, |g: &cases::Guest, s| {
            g.call_get_many_cases(s, conn, input)
        })
    }

    pub fn get_case_status(&self, conn: &Connection, case_id: &str) -> Op<cases::CaseStatusInfo> {
        self.call_interface(conn, |g: &cases::Guest, s| {
            g.call_get_case_status(s, conn, case_id)
        })
    }

    pub fn update_case(&self, conn: &Connection, input: &cases::UpdateCaseInput) -> Op<KibanaCase> {
        self.call_interface(conn, |g: &cases::Guest, s| {
            g.call_update_case(s, conn, input)
        })
    }

    pub fn add_comment(
        &self,
        conn: &Connection,
        input: &case_comments::AddCommentInput,
    ) -> Op<CaseComment> {
        self.call_interface(conn, |g: &case_comments::Guest, s| {
            g.call_add_comment(s, conn, input)
        })
    }

    pub fn get_comment(
        &self,
        conn: &Connection,
        case_id: &str,
        comment_id: &str,
    ) -> Op<CaseComment> {
        self.call_interface(conn, |g: &case_comments::Guest, s| {
            g.call_get_comment(s, conn, case_id, comment_id)
        })
    }

    pub fn get_many_comments(
        &self,
        conn: &Connection,
        input: &case_comments::GetManyCommentsInput,
    ) -> Op<case_comments::CommentPage> {
        self.call_interface(conn, |g: &case_comments::Guest, s| {
            g.call_get_many_comments(s, conn, input)
        })
    }

    pub fn remove_comment(
        &self,
        conn: &Connection,
        case_id: &str,
        comment_id: &str,
    ) -> Op<case_comments::RemoveCommentOutput> {
        self.call_interface(conn, |g: &case_comments::Guest, s| {
            g.call_remove_comment(s, conn, case_id, comment_id)
        })
    }

    pub fn update_comment(
        &self,
        conn: &Connection,
        input: &case_comments::UpdateCommentInput,
    ) -> Op<CaseComment> {
        self.call_interface(conn, |g: &case_comments::Guest, s| {
            g.call_update_comment(s, conn, input)
        })
    }

    pub fn add_tag(
        &self,
        conn: &Connection,
        case_id: &str,
        tags: &[String],
    ) -> Op<case_tags::TagsOutput> {
        self.call_interface(conn, |g: &case_tags::Guest, s| {
            g.call_add_tag(s, conn, case_id, tags)
        })
    }

    pub fn remove_tag(
        &self,
        conn: &Connection,
        case_id: &str,
        tags: &[String],
    ) -> Op<case_tags::TagsOutput> {
        self.call_interface(conn, |g: &case_tags::Guest, s| {
            g.call_remove_tag(s, conn, case_id, tags)
        })
    }

    pub fn create_connector(
        &self,
        conn: &Connection,
        input: &connectors::CreateConnectorInput,
    ) -> Op<connectors::Connector> {
        self.call_interface(conn, |g: &connectors::Guest, s| {
            g.call_create_connector(s, conn, input)
        })
    }
}
