//! An access request as the authorizers see it (`authorizer.Attributes` upstream).

use serde::{Deserialize, Serialize};

/// The attributes of one request. Field names follow the conformance request format.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    pub user: String,
    #[serde(default)]
    pub groups: Vec<String>,
    pub verb: String,
    pub resource_request: bool,
    #[serde(default)]
    pub api_group: String,
    #[serde(default)]
    pub resource: String,
    #[serde(default)]
    pub subresource: String,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub path: String,
}

impl Attributes {
    /// `resource` or `resource/subresource`, as RBAC compares it.
    pub fn combined_resource(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }

    pub fn is_read_only(&self) -> bool {
        matches!(self.verb.as_str(), "get" | "list" | "watch")
    }
}
