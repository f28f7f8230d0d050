//! The catalog of real IAM actions and condition keys, generated from public data by
//! `scripts/gen_iam_actions.py` (see the header of `catalog_data.rs` for the source and date).

use super::wildcard::wildcard_match;

#[rustfmt::skip]
#[allow(clippy::all)]
mod data {
    include!("catalog_data.rs");
}

/// The global condition keys (`aws:...`) that any policy may use, from the IAM User Guide's
/// "AWS global condition context keys". `${...}` marks a part the policy fills in.
const GLOBAL_KEYS: &[&str] = &[
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:FederatedProvider",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalType",
    "aws:RequestTag/${TagKey}",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:ResourceTag/${TagKey}",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIdentity",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:TagKeys",
    "aws:TokenIssueTime",
    "aws:UserAgent",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:Ec2InstanceSourceVpc",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    "aws:referer",
    "aws:userid",
    "aws:username",
    "ec2:RoleDelivery",
    "ec2:SourceInstanceARN",
    "glue:CredentialIssuingService",
    "glue:RoleAssumedBy",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceARN",
    "identitystore:UserId",
];

fn service(
    prefix: &str,
) -> Option<&'static (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
)> {
    let prefix = prefix.to_ascii_lowercase();
    data::SERVICES
        .binary_search_by(|(p, _, _)| (*p).cmp(prefix.as_str()))
        .ok()
        .map(|i| &data::SERVICES[i])
}

/// Whether `prefix` (such as `s3` or `sagemaker`) is the action prefix of an AWS service.
///
/// ```
/// assert!(airgap::iam::catalog::is_service("sagemaker"));
/// assert!(!airgap::iam::catalog::is_service("s4"));
/// ```
pub fn is_service(prefix: &str) -> bool {
    service(prefix).is_some()
}

/// The actions of the service with action prefix `prefix`, as AWS spells them.
pub fn actions(prefix: &str) -> Option<&'static [&'static str]> {
    service(prefix).map(|s| s.1)
}

/// The real actions that `pattern` (`s3:Get*`, `s3:GetObject`, `*`) stands for, as
/// `prefix:Name`. Matching is case-insensitive, as IAM's is.
///
/// ```
/// let gets = airgap::iam::catalog::expand("s3:GetObject*");
/// assert!(gets.contains(&"s3:GetObjectAcl".to_string()));
/// assert!(airgap::iam::catalog::expand("s3:GetObjekt").is_empty());
/// ```
pub fn expand(pattern: &str) -> Vec<String> {
    if pattern == "*" {
        return vec!["*".into()];
    }
    let Some((prefix, name)) = pattern.split_once(':') else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (p, actions, _) in data::SERVICES {
        if !wildcard_match(prefix, p, true) {
            continue;
        }
        for a in actions.iter().filter(|a| wildcard_match(name, a, true)) {
            out.push(format!("{p}:{a}"));
        }
    }
    out
}

/// Orders as the catalog sorts actions: by their ASCII-lowercase bytes.
fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// The actions that can match `pattern`: those starting with its literal part before the first
/// wildcard. The catalog is sorted, so they are found by binary search instead of matching
/// every action of the service (validation runs on every synthesis).
fn candidates<'a>(
    actions: &'a [&'static str],
    pattern: &str,
) -> impl Iterator<Item = &'a &'static str> {
    let literal = &pattern[..pattern.find(['*', '?']).unwrap_or(pattern.len())];
    let starts = |a: &str| {
        a.len() >= literal.len()
            && a.as_bytes()[..literal.len()].eq_ignore_ascii_case(literal.as_bytes())
    };
    // Every action that starts with `literal` sorts at or after it.
    let first = actions.partition_point(|a| cmp_ignore_case(a, literal).is_lt());
    actions[first..].iter().take_while(move |a| starts(a))
}

/// Why an action is not in the catalog, with the nearest real name where one is close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAction {
    /// What is wrong, e.g. `s3 has no action GetObjekt`.
    pub reason: String,
    /// The nearest real action or prefix, e.g. `s3:GetObject`.
    pub suggestion: Option<String>,
}

/// Checks that `action` names at least one real action (`*` always does).
///
/// ```
/// use airgap::iam::catalog::check_action;
/// assert!(check_action("s3:GetObject").is_ok());
/// assert!(check_action("S3:getobject").is_ok());
/// let wrong = check_action("s3:GetObjekt").unwrap_err();
/// assert_eq!(wrong.suggestion.as_deref(), Some("s3:GetObject"));
/// ```
pub fn check_action(action: &str) -> Result<(), UnknownAction> {
    if action == "*" {
        return Ok(());
    }
    let Some((prefix, name)) = action.split_once(':') else {
        return Err(UnknownAction {
            reason: "an action is `service:Action`".into(),
            suggestion: None,
        });
    };
    let wild = |s: &str| s.contains(['*', '?']);
    if wild(prefix) {
        return if expand(action).is_empty() {
            Err(UnknownAction {
                reason: format!("`{action}` matches no action of any service"),
                suggestion: None,
            })
        } else {
            Ok(())
        };
    }
    let Some((p, actions, _)) = service(prefix) else {
        let near = nearest(prefix, data::SERVICES.iter().map(|s| s.0));
        return Err(UnknownAction {
            reason: format!("`{prefix}` is not the action prefix of any AWS service"),
            suggestion: near.map(|n| format!("{n}:{name}")),
        });
    };
    if wild(name) {
        if candidates(actions, name).any(|a| wildcard_match(name, a, true)) {
            return Ok(());
        }
        return Err(UnknownAction {
            reason: format!("`{name}` matches no action of {p}"),
            suggestion: None,
        });
    }
    if actions
        .binary_search_by(|a| cmp_ignore_case(a, name))
        .is_ok()
    {
        return Ok(());
    }
    Err(UnknownAction {
        reason: format!("{p} has no action `{name}`"),
        suggestion: nearest(name, actions.iter().copied()).map(|n| format!("{p}:{n}")),
    })
}

/// Whether `key` is a known condition key: a global `aws:` key, or a key of the service whose
/// prefix it has. Keys compare case-insensitively, as IAM's do; `${TagKey}`-style parts of a
/// catalog key match any non-empty text.
///
/// ```
/// use airgap::iam::catalog::is_condition_key;
/// assert!(is_condition_key("aws:sourceVpce"));
/// assert!(is_condition_key("sagemaker:VpcSubnets"));
/// assert!(is_condition_key("kms:EncryptionContext:aws:logs:arn"));
/// assert!(!is_condition_key("aws:SourceVcpe"));
/// ```
pub fn is_condition_key(key: &str) -> bool {
    let Some((prefix, _)) = key.split_once(':') else {
        return false;
    };
    let matches = |known: &str| template_key_match(known, key);
    if GLOBAL_KEYS.iter().any(|k| matches(k)) {
        return true;
    }
    service(prefix).is_some_and(|s| s.2.iter().any(|k| matches(k)))
}

/// The nearest known condition key to `key`, for a "did you mean".
pub fn suggest_condition_key(key: &str) -> Option<String> {
    let prefix = key.split_once(':').map_or("", |p| p.0);
    let service_keys = service(prefix).map(|s| s.2).unwrap_or(&[]);
    nearest(key, GLOBAL_KEYS.iter().chain(service_keys.iter()).copied()).map(str::to_string)
}

fn template_key_match(known: &str, key: &str) -> bool {
    // Turn `${Anything}` into `*` and reuse the wildcard matcher; a template key whose filled
    // part is empty is no key at all.
    let mut pattern = String::new();
    let mut rest = known;
    while let Some(start) = rest.find("${") {
        pattern.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                pattern.push_str("?*");
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    pattern.push_str(rest);
    if pattern.contains('*') || pattern.contains('?') {
        // Literal `*`/`?` do not occur in catalog keys, so the pattern means what we built.
        wildcard_match(&pattern, key, true)
    } else {
        pattern.eq_ignore_ascii_case(key)
    }
}

fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .map(|c| {
            let candidate = c.to_ascii_lowercase();
            // At equal distance, a name that extends what was typed (`ReEncrypt` ->
            // `ReEncryptTo`) is likelier meant than one that merely resembles it.
            let extends = !candidate.starts_with(&lower);
            (levenshtein(&lower, &candidate), extends, c)
        })
        .filter(|(d, _, _)| *d <= limit)
        .min_by_key(|(d, extends, c)| (*d, *extends, c.len()))
        .map(|(_, _, c)| c)
}

/// Edit distance where swapping two neighbours counts as one edit (optimal string alignment),
/// since `SourceVcpe` for `SourceVpce` is the commonest slip.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_services_airgap_models_are_in_the_catalog() {
        for p in [
            "s3",
            "sagemaker",
            "sts",
            "logs",
            "kms",
            "ecr",
            "ssm",
            "ec2",
            "iam",
            "servicecatalog",
            "cloudformation",
            "codecommit",
            "cloudwatch",
        ] {
            assert!(actions(p).is_some_and(|a| a.len() > 5), "{p}");
        }
    }

    #[test]
    fn suggestions_for_misspelled_prefixes() {
        let e = check_action("sagemkaer:CreateTrainingJob").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("sagemaker:CreateTrainingJob"));
    }

    #[test]
    fn distance() {
        assert_eq!(levenshtein("getobjekt", "getobject"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("sourcevcpe", "sourcevpce"), 1);
    }

    /// The binary searches in `check_action` rely on the generated catalog's order.
    #[test]
    fn every_catalog_action_is_found_and_the_catalog_is_sorted_as_searched() {
        for (prefix, actions, _) in data::SERVICES {
            assert!(
                actions
                    .windows(2)
                    .all(|w| cmp_ignore_case(w[0], w[1]).is_le()),
                "{prefix}'s actions are not sorted case-insensitively"
            );
            for a in *actions {
                assert!(
                    check_action(&format!("{prefix}:{a}")).is_ok(),
                    "{prefix}:{a}"
                );
                let head: String = a.chars().take(3).collect();
                assert!(
                    check_action(&format!("{prefix}:{head}*")).is_ok(),
                    "{prefix}:{head}*"
                );
            }
        }
    }
}
