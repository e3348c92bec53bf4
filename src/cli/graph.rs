//! `kauthz graph`: the subject → binding → role → rule graph as DOT, Mermaid or JSON.

use clap::{Args, ValueEnum};

use super::{EXIT_YES, PolicyArgs, load_workspace, write_stdout};
use crate::query::graph_export::{GraphFilter, SubjectFilter, export, to_dot, to_mermaid};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Dot,
    Mermaid,
    Json,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "dot")]
    pub format: Format,
    /// Only bindings naming this subject: KIND:NAME (User:jane, Group:devs,
    /// ServiceAccount:NS/NAME) or a bare name of any kind
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// Only the RoleBindings of this namespace
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Only bindings to this Role or ClusterRole (and the role itself)
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
}

pub fn run(args: GraphArgs) -> u8 {
    let ws = match load_workspace(&args.policy, false) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let filter = GraphFilter {
        subject: args.subject.as_deref().map(SubjectFilter::parse),
        namespace: args.namespace.clone(),
        role: args.role.clone(),
    };
    let g = export(&ws, &filter);
    let text = match args.format {
        Format::Dot => to_dot(&g),
        Format::Mermaid => to_mermaid(&g),
        Format::Json => serde_json::to_string_pretty(&g).unwrap_or_default() + "\n",
    };
    write_stdout(text.as_bytes());
    EXIT_YES
}
