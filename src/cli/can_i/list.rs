//! `kauthz can-i --list`: `kubectl auth can-i --list` (a SelfSubjectRulesReview printed as
//! kubectl prints it), plus `--show-source`.

use serde_json::{Map, Value, json};

use super::{CanIArgs, Format, to_yaml};
use crate::cli::{EXIT_YES, fail, load_workspace, write_stdout};
use crate::diagnostics::Problem;
use crate::explain::rules::{RulesReview, SourcedRule, list_lines, rules_review, tabwrite};
use crate::identity::impersonated_groups;
use crate::model::Name;
use crate::question::no_identity;
use crate::request::Attributes;

fn usage(message: &str, help: &str) -> u8 {
    fail(Problem::error("kauthz::usage::list", message.to_string()).with_help(help.to_string()))
}

pub fn run(args: CanIArgs) -> u8 {
    // kubectl's checks (cani.go Complete/Validate), then ours.
    if !args.list {
        return usage(
            if args.no_headers {
                "--no-headers cannot be set without --list specified"
            } else {
                "--show-source cannot be set without --list specified"
            },
            "add `--list`",
        );
    }
    if args.verb.is_some() || args.target.is_some() {
        return usage(
            "list option must be specified with no arguments",
            "drop VERB and TARGET: `--list` lists everything the user may do in the namespace",
        );
    }
    if args.quiet || args.request.all_namespaces || args.request.subresource.is_some() {
        return usage(
            "--list option must not be specified with --quiet, --all-namespaces, or --subresource",
            "a rules review is for one namespace: use `-n NS`",
        );
    }
    let Some(user) = args.request.as_user.clone().filter(|u| !u.is_empty()) else {
        return fail(no_identity());
    };
    let ws = match load_workspace(&args.policy, false) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let a = Attributes {
        groups: impersonated_groups(&user, &args.request.as_group),
        user,
        namespace: args
            .request
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string()),
        ..Attributes::default()
    };
    let review = rules_review(&ws, &a);
    let text = match args.output {
        Some(format) => {
            let v = review_json(&review, args.show_source);
            match format {
                Format::Json => serde_json::to_string_pretty(&v).unwrap_or_default() + "\n",
                Format::Yaml => to_yaml(&v, 0),
            }
        }
        None => table(&review, args.no_headers, args.show_source),
    };
    write_stdout(text.as_bytes());
    EXIT_YES
}

/// kubectl's table; `--show-source` adds Scope, Binding and Role columns.
fn table(review: &RulesReview, no_headers: bool, show_source: bool) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !no_headers {
        let mut h: Vec<String> = ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
            .map(String::from)
            .to_vec();
        if show_source {
            h.extend(["Scope", "Binding", "Role"].map(String::from));
        }
        rows.push(h);
    }
    for l in list_lines(review, show_source) {
        let mut row = vec![l.resources, l.non_resource_urls, l.resource_names, l.verbs];
        if let Some(s) = &l.source {
            row.push(s.scope().to_string());
            row.push(s.binding_text());
            row.push(s.role_text());
        }
        rows.push(row);
    }
    tabwrite(&rows)
}

fn rule_json(r: &SourcedRule, resource: bool, show_source: bool) -> Value {
    let mut m = Map::new();
    m.insert("verbs".into(), json!(r.rule.verbs));
    let lists: &[(&str, &Vec<Name>)] = if resource {
        &[
            ("apiGroups", &r.rule.api_groups),
            ("resources", &r.rule.resources),
            ("resourceNames", &r.rule.resource_names),
        ]
    } else {
        &[("nonResourceURLs", &r.rule.non_resource_urls)]
    };
    for (k, v) in lists {
        if !v.is_empty() {
            m.insert((*k).into(), json!(v));
        }
    }
    if show_source {
        m.insert(
            "source".into(),
            json!({
                "scope": r.source.scope(),
                "binding": r.source.binding_text(),
                "role": r.source.role_text(),
            }),
        );
    }
    Value::Object(m)
}

/// The SelfSubjectRulesReview the server returns (Go field order, empty fields left out).
fn review_json(review: &RulesReview, show_source: bool) -> Value {
    let mut status = Map::new();
    status.insert(
        "resourceRules".into(),
        Value::Array(
            review
                .resource_rules
                .iter()
                .map(|r| rule_json(r, true, show_source))
                .collect(),
        ),
    );
    status.insert(
        "nonResourceRules".into(),
        Value::Array(
            review
                .non_resource_rules
                .iter()
                .map(|r| rule_json(r, false, show_source))
                .collect(),
        ),
    );
    status.insert("incomplete".into(), Value::Bool(review.incomplete));
    if !review.evaluation_error.is_empty() {
        status.insert(
            "evaluationError".into(),
            Value::String(review.evaluation_error.clone()),
        );
    }
    json!({
        "kind": "SelfSubjectRulesReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": {"namespace": review.namespace},
        "status": Value::Object(status),
    })
}
