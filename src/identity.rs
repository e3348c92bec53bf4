//! Who is asking: the user and groups an impersonated request carries to the authorizers
//! (apiserver `endpoints/filters/impersonation`, `authentication/serviceaccount`).

pub const AUTHENTICATED: &str = "system:authenticated";
pub const UNAUTHENTICATED: &str = "system:unauthenticated";
pub const ANONYMOUS: &str = "system:anonymous";
pub const SERVICE_ACCOUNTS: &str = "system:serviceaccounts";
pub const SERVICE_ACCOUNT_PREFIX: &str = "system:serviceaccount:";

/// `(namespace, name)` of a service-account user name.
pub fn parse_service_account(user: &str) -> Option<(&str, &str)> {
    let rest = user.strip_prefix(SERVICE_ACCOUNT_PREFIX)?;
    let (ns, name) = rest.split_once(':')?;
    (!ns.is_empty() && !name.is_empty() && !name.contains(':')).then_some((ns, name))
}

/// The groups the server gives `--as user --as-group g...`: a service account without
/// `--as-group` gets its service-account groups; then `system:authenticated` (or, for the
/// anonymous user, `system:unauthenticated`) is appended unless already there.
pub fn impersonated_groups(user: &str, as_groups: &[String]) -> Vec<String> {
    let mut groups: Vec<String> = as_groups.to_vec();
    if as_groups.is_empty()
        && let Some((ns, _)) = parse_service_account(user)
    {
        groups.push(SERVICE_ACCOUNTS.to_string());
        groups.push(format!("{SERVICE_ACCOUNTS}:{ns}"));
    }
    let has = |g: &str| groups.iter().any(|x| x == g);
    if user == ANONYMOUS {
        if !has(UNAUTHENTICATED) {
            groups.push(UNAUTHENTICATED.to_string());
        }
    } else if !has(AUTHENTICATED) && !has(UNAUTHENTICATED) {
        groups.push(AUTHENTICATED.to_string());
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn service_accounts_get_their_groups_unless_groups_are_given() {
        assert_eq!(
            impersonated_groups("system:serviceaccount:ci:deployer", &[]),
            s(&[
                "system:serviceaccounts",
                "system:serviceaccounts:ci",
                "system:authenticated"
            ])
        );
        assert_eq!(
            impersonated_groups("system:serviceaccount:ci:deployer", &s(&["x"])),
            s(&["x", "system:authenticated"])
        );
    }

    #[test]
    fn anonymous_and_authenticated_defaults() {
        assert_eq!(
            impersonated_groups("jane", &[]),
            s(&["system:authenticated"])
        );
        assert_eq!(
            impersonated_groups("system:anonymous", &[]),
            s(&["system:unauthenticated"])
        );
        assert_eq!(
            impersonated_groups("jane", &s(&["system:unauthenticated"])),
            s(&["system:unauthenticated"])
        );
        assert_eq!(
            impersonated_groups("system:anonymous", &s(&["system:authenticated"])),
            s(&["system:authenticated", "system:unauthenticated"])
        );
    }

    #[test]
    fn parses_service_account_names() {
        assert_eq!(
            parse_service_account("system:serviceaccount:a:b"),
            Some(("a", "b"))
        );
        assert_eq!(parse_service_account("system:serviceaccount:a"), None);
        assert_eq!(parse_service_account("system:serviceaccount:a:b:c"), None);
    }
}
