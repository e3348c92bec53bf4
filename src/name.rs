//! `Name`: an immutable, cheaply cloned string that equal strings can share.
//!
//! Policy objects repeat the same few strings tens of thousands of times (`"User"`,
//! `"rbac.authorization.k8s.io"`, `"ClusterRole"`, verbs, resources, namespaces). As `String`
//! each was its own heap allocation; the loader interns them instead ([`Interner`]) so every
//! copy of a string is one pointer to one shared allocation. `Name` behaves like `str`
//! everywhere: it dereferences to `str`, compares, orders and hashes as `str` does, prints and
//! serialises as the string, so code written against `String` fields mostly keeps compiling.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, LazyLock};

use rustc_hash::FxHashSet;

/// An immutable shared string. Equality, order and hash are those of the `str` it holds.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<str>);

/// The one empty string every `Name::default()` shares.
static EMPTY: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(""));

impl Name {
    /// A new name (its own allocation; use an [`Interner`] to share).
    pub fn new(s: &str) -> Name {
        if s.is_empty() {
            return Name::default();
        }
        Name(Arc::from(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two names share one allocation (not just equal text).
    pub fn ptr_eq(a: &Name, b: &Name) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Default for Name {
    fn default() -> Name {
        Name(Arc::clone(&EMPTY))
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::new(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        if s.is_empty() {
            return Name::default();
        }
        Name(Arc::from(s))
    }
}

impl From<&Name> for Name {
    fn from(s: &Name) -> Name {
        s.clone()
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.as_str().to_string()
    }
}

impl From<&Name> for String {
    fn from(n: &Name) -> String {
        n.as_str().to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        String::deserialize(d).map(Name::from)
    }
}

/// Gives equal strings one shared [`Name`]. One per load; dropped when the load ends.
#[derive(Debug, Default)]
pub struct Interner {
    // Fx: the load hashes every short string it reads once; SipHash made that 10% of the load.
    names: FxHashSet<Name>,
}

impl Interner {
    pub fn new() -> Interner {
        Interner::default()
    }

    /// The shared name for `s`, made on first sight.
    pub fn intern(&mut self, s: &str) -> Name {
        if s.is_empty() {
            return Name::default();
        }
        if let Some(n) = self.names.get(s) {
            return n.clone();
        }
        let n = Name::new(s);
        self.names.insert(n.clone());
        n
    }

    /// The shared name for `s` if it was interned, else a new unshared one (for readers that
    /// cannot intern, like parallel workers; [`Interner::share`] fixes it up later).
    pub fn name(&self, s: &str) -> Name {
        match self.names.get(s) {
            Some(n) => n.clone(),
            None => Name::new(s),
        }
    }

    /// Replaces `name` by the shared copy of its text (keeping it when it is the first).
    pub fn share(&mut self, name: &mut Name) {
        if name.is_empty() {
            if !Name::ptr_eq(name, &Name::default()) {
                *name = Name::default();
            }
            return;
        }
        match self.names.get(name.as_str()) {
            Some(n) => {
                if !Name::ptr_eq(n, name) {
                    *name = n.clone();
                }
            }
            None => {
                self.names.insert(name.clone());
            }
        }
    }

    /// How many distinct strings are held.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::hash::{BuildHasher, RandomState};

    #[test]
    fn behaves_as_str() {
        let n = Name::from("pods");
        assert_eq!(n, "pods");
        assert_eq!("pods", n);
        assert_eq!(n, String::from("pods"));
        assert_eq!(String::from("pods"), n);
        assert_eq!(n.to_string(), "pods");
        assert_eq!(format!("{n:?}"), format!("{:?}", "pods"));
        let sorted: Vec<Name> = ["a", "Z", "b", ""].into_iter().map(Name::from).collect();
        let mut by_name = sorted.clone();
        by_name.sort();
        let mut by_str: Vec<&str> = sorted.iter().map(Name::as_str).collect();
        by_str.sort();
        assert_eq!(by_name, by_str);
        let h = RandomState::new();
        assert_eq!(h.hash_one(&n), h.hash_one("pods"));
        let mut m: HashMap<Name, u8> = HashMap::new();
        m.insert(n.clone(), 1);
        assert_eq!(m.get("pods"), Some(&1));
        assert_eq!(serde_json::to_string(&n).ok().as_deref(), Some("\"pods\""));
    }

    #[test]
    fn empty_names_share_one_allocation() {
        assert!(Name::default().is_empty());
        assert!(Name::ptr_eq(&Name::default(), &Name::from("")));
        assert!(Name::ptr_eq(&Name::default(), &Name::from(String::new())));
    }

    #[test]
    fn interner_shares_equal_strings() {
        let mut i = Interner::new();
        let a = i.intern("User");
        let b = i.intern("User");
        assert!(Name::ptr_eq(&a, &b));
        let mut c = Name::from("User");
        assert!(!Name::ptr_eq(&a, &c));
        i.share(&mut c);
        assert!(Name::ptr_eq(&a, &c));
        let mut d = Name::from("Group");
        i.share(&mut d);
        assert!(Name::ptr_eq(&d, &i.intern("Group")));
        assert_eq!(i.len(), 2);
    }
}
