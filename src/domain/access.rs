//! Who is asking: key scopes and the rules for what each may do.

use std::fmt;
use std::str::FromStr;

use super::problems::Denied;

/// What a key may do; each scope includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Preview,
    Write,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Preview => "preview",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "preview" => Ok(Self::Preview),
            "write" => Ok(Self::Write),
            "admin" => Ok(Self::Admin),
            other => Err(format!("unknown scope `{other}` (expected preview, write or admin)")),
        }
    }
}

/// The caller of a request: anonymous, or the holder of a valid key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewer {
    scope: Option<Scope>,
}

impl Viewer {
    pub const ANONYMOUS: Self = Self { scope: None };

    pub fn with_scope(scope: Scope) -> Self {
        Self { scope: Some(scope) }
    }

    /// May this caller see drafts and scheduled articles?
    pub fn can_preview(&self) -> bool {
        self.scope.is_some_and(|s| s >= Scope::Preview)
    }

    /// 401 without a key, 403 with a weaker one.
    pub fn require(&self, needed: Scope) -> Result<(), Denied> {
        match self.scope {
            None => Err(Denied::NoKey(format!("this needs a `{needed}` key"))),
            Some(held) if held < needed => {
                Err(Denied::WrongScope(format!("this needs a `{needed}` key; the key given is `{held}`")))
            }
            Some(_) => Ok(()),
        }
    }
}
