//! The catalog of real IAM actions and condition keys, generated from public data by
//! `scripts/gen_iam_catalog.py` (see the header of `catalog.txt` for the sources and date): the
//! actions of every service, the resource types each takes and the condition keys each can carry,
//! and the services and actions AWS has retired.

use std::cmp::Ordering;
use std::sync::OnceLock;

use super::wildcard::wildcard_match;

/// Where each service's records and each action's line start in `TEXT`, written by the build
/// script (`build.rs`) from the same file.
mod index {
    include!(concat!(env!("OUT_DIR"), "/catalog_index.rs"));
}

/// The generated catalog: one record a line, tab-separated (the generator's docstring gives the
/// format). It is text rather than Rust statics so that the data and its diffs stay readable.
/// The tables of integer offsets the build script derives from it say where each service's records and each
/// action's line are, so nothing is parsed at start-up, the binary holds no pointers for the
/// loader to patch, and an action is found by binary search over its service's lines.
static TEXT: &str = include_str!("catalog.txt");

/// A service's action names as a list, made on first use by [`actions`].
static NAMES: [OnceLock<Vec<&'static str>>; index::SERVICES.len()] =
    [const { OnceLock::new() }; index::SERVICES.len()];

/// One service of the catalog: its row in the generated table.
#[derive(Clone, Copy)]
struct Service(usize);

impl Service {
    fn row(self) -> &'static [u32; 5] {
        &index::SERVICES[self.0]
    }

    /// Its `K` lines (`keys`), `S` line first, or its `R` lines.
    fn records(self, resources: bool) -> &'static str {
        let [s, r, a, ..] = self.row().map(|o| o as usize);
        let range = if resources { r..a } else { s..r };
        TEXT.get(range).unwrap_or_default()
    }

    /// The `S` line's fields: prefix, status.
    fn header(self) -> (&'static str, &'static str) {
        let line = line_at(self.row()[0]);
        first_field(line.get(2..).unwrap_or_default())
    }

    fn prefix(self) -> &'static str {
        field_at(self.row()[0])
    }

    fn retired(self) -> bool {
        self.header().1 == "retired"
    }

    /// The service's condition keys (its `K` lines).
    fn keys(self) -> impl Iterator<Item = &'static str> {
        let records = self.records(false).lines().skip(1);
        records.filter_map(|line| Some(first_field(line.strip_prefix("K\t")?).0))
    }

    /// Its resource types (its `R` lines): name, ARN format, condition keys (comma-separated).
    fn resources(self) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
        self.records(true).lines().filter_map(|line| {
            let (name, rest) = first_field(line.strip_prefix("R\t")?);
            let (arn, rest) = first_field(rest);
            Some((name, arn, first_field(rest).0))
        })
    }

    /// The byte offsets of its `A` lines, sorted by action name case-insensitively.
    fn action_offsets(self) -> &'static [u32] {
        let [.., first, end] = self.row().map(|o| o as usize);
        index::ACTIONS.get(first..end).unwrap_or_default()
    }

    /// Its action names, in the catalog's order.
    fn action_names(self) -> impl Iterator<Item = &'static str> {
        self.action_offsets().iter().map(|&o| field_at(o))
    }

    /// The offsets of its actions from the first whose name does not sort before `key` on.
    fn actions_from(self, key: &str) -> &'static [u32] {
        let offsets = self.action_offsets();
        let first = offsets.partition_point(|&o| cmp_field(o, key).is_lt());
        &offsets[first..]
    }

    /// The `A` line of action `name` (any case).
    fn action(self, name: &str) -> Option<&'static str> {
        let &o = self.actions_from(name).first()?;
        cmp_field(o, name).is_eq().then(|| line_at(o))
    }

    /// Its action names as a list, made on first use.
    fn names(self) -> &'static [&'static str] {
        NAMES[self.0].get_or_init(|| self.action_names().collect())
    }
}

/// The line of `TEXT` at byte offset `at`, without its newline.
fn line_at(at: u32) -> &'static str {
    let rest = TEXT.get(at as usize..).unwrap_or_default();
    rest.split_once('\n').map_or(rest, |(line, _)| line)
}

/// The first field of the record at byte offset `at` of `TEXT` (after its kind): a prefix or an
/// action name. Names are short, so a plain loop to the tab beats a general search.
fn field_at(at: u32) -> &'static str {
    let start = at as usize + 2;
    let rest = TEXT.as_bytes().get(start..).unwrap_or_default();
    let len = rest
        .iter()
        .position(|&b| b == b'\t' || b == b'\n')
        .unwrap_or(rest.len());
    TEXT.get(start..start + len).unwrap_or_default()
}

/// How the first field of the record at byte offset `at` sorts against `key`, by their
/// ASCII-lowercase bytes (as the catalog sorts actions), in one pass over the bytes, without a slice first (the
/// binary searches compare a dozen records per lookup, several lookups per action checked).
fn cmp_field(at: u32, key: &str) -> Ordering {
    let text = TEXT.as_bytes().get(at as usize + 2..).unwrap_or_default();
    let in_field = |i: usize| text.get(i).filter(|&&b| b != b'\t' && b != b'\n');
    for (i, k) in key.bytes().enumerate() {
        let Some(t) = in_field(i) else {
            return Ordering::Less;
        };
        match t.to_ascii_lowercase().cmp(&k.to_ascii_lowercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    if in_field(key.len()).is_some() {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// A record's first field and the rest after its tab.
fn first_field(fields: &'static str) -> (&'static str, &'static str) {
    fields.split_once('\t').unwrap_or((fields, ""))
}

/// Every service, in prefix order.
fn services() -> impl Iterator<Item = Service> {
    (0..index::SERVICES.len()).map(Service)
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

/// The service with action prefix `prefix` (any case; the catalog's prefixes are lower case).
fn service(prefix: &str) -> Option<Service> {
    let (mut lo, mut hi) = (0, index::SERVICES.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match cmp_field(index::SERVICES[mid][0], prefix) {
            Ordering::Less => lo = mid + 1,
            Ordering::Greater => hi = mid,
            Ordering::Equal => return Some(Service(mid)),
        }
    }
    None
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
    service(prefix).map(Service::names)
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
    for s in services() {
        if !wildcard_match(prefix, s.prefix(), true) {
            continue;
        }
        for a in s.action_names().filter(|a| wildcard_match(name, a, true)) {
            out.push(format!("{}:{a}", s.prefix()));
        }
    }
    out
}

/// The actions of `service` that can match `pattern`: those starting with its literal part
/// before the first wildcard. The actions are sorted, so they are found by binary search instead
/// of matching every action of the service (validation runs on every synthesis).
fn candidates(service: Service, pattern: &str) -> impl Iterator<Item = &'static str> {
    let literal = &pattern[..pattern.find(['*', '?']).unwrap_or(pattern.len())];
    let starts = |a: &str| {
        a.len() >= literal.len()
            && a.as_bytes()[..literal.len()].eq_ignore_ascii_case(literal.as_bytes())
    };
    // Every action that starts with `literal` sorts at or after it.
    let names = service.actions_from(literal).iter().map(|&o| field_at(o));
    names.take_while(move |a| starts(a))
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
    let Some(entry) = service(prefix) else {
        let near = nearest(prefix, services().map(Service::prefix));
        return Err(UnknownAction {
            reason: format!("`{prefix}` is not the action prefix of any AWS service"),
            suggestion: near.map(|n| format!("{n}:{name}")),
        });
    };
    let p = entry.prefix();
    if wild(name) {
        if candidates(entry, name).any(|a| wildcard_match(name, a, true)) {
            return Ok(());
        }
        return Err(UnknownAction {
            reason: format!("`{name}` matches no action of {p}"),
            suggestion: None,
        });
    }
    if entry.action(name).is_some() {
        return Ok(());
    }
    Err(UnknownAction {
        reason: format!("{p} has no action `{name}`"),
        suggestion: nearest(name, entry.names().iter().copied()).map(|n| format!("{p}:{n}")),
    })
}

/// Where an action stands in AWS's Service Authorization Reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionStatus {
    /// A current action, with its resource types and condition keys from the reference.
    Current,
    /// The action (or its whole service) was in the reference and has been retired: policies
    /// that name it are still valid, but it grants nothing any more.
    Retired,
    /// Known only from cfn-lint's action list: real, but its resource types and condition keys
    /// are not recorded, so questions about them are answered permissively.
    Unmodelled,
}

/// A resource type an action can act on, as the Service Authorization Reference lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceTypeInfo {
    /// The type's name in the reference, e.g. `object`.
    pub name: &'static str,
    /// Its ARN format, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub arn: &'static str,
    /// Whether the action always needs a resource of this type.
    pub required: bool,
    /// The condition keys a request on a resource of this type can carry.
    pub condition_keys: Vec<&'static str>,
}

/// What the catalog knows about one action.
///
/// ```
/// use airgap::iam::catalog::{action_info, ActionStatus};
/// let get = action_info("s3:getobject").unwrap();
/// assert_eq!((get.prefix, get.name, get.status), ("s3", "GetObject", ActionStatus::Current));
/// assert!(get.takes_condition_key("s3:ExistingObjectTag/servicecatalog:provisioning"));
/// assert!(!get.takes_condition_key("s3:prefix"));
/// assert!(get.accepts_resource("arn:aws:s3:::my-bucket/*"));
/// assert!(!get.accepts_resource("arn:aws:s3:::my-bucket"));
///
/// // DescribeLogGroups takes no resource type: only "*".
/// let describe = action_info("logs:DescribeLogGroups").unwrap();
/// assert!(describe.accepts_resource("*"));
/// assert!(!describe.accepts_resource("arn:aws:logs:eu-west-1:111122223333:log-group:*"));
///
/// assert!(action_info("elastic-inference:Connect").unwrap().is_retired());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInfo {
    /// The service prefix, e.g. `s3`.
    pub prefix: &'static str,
    /// The action's name as AWS spells it, e.g. `GetObject`.
    pub name: &'static str,
    /// Current, retired or unmodelled.
    pub status: ActionStatus,
    /// The resource types it takes; empty when it takes only `"*"` (or is unmodelled).
    pub resource_types: Vec<ResourceTypeInfo>,
    /// Every condition key a request for it can carry beyond the global ones: the action's own
    /// and its resource types', sorted, without duplicates. `${...}` marks a part the policy
    /// fills in.
    pub condition_keys: Vec<&'static str>,
}

impl ActionInfo {
    /// Whether AWS has retired the action or its service.
    pub fn is_retired(&self) -> bool {
        self.status == ActionStatus::Retired
    }

    /// Whether the action takes only `"Resource": "*"` (it has no resource types).
    pub fn takes_only_star(&self) -> bool {
        self.status != ActionStatus::Unmodelled && self.resource_types.is_empty()
    }

    /// Whether a request for this action can carry condition key `key`: a global key always
    /// can; a service key only where the reference lists it for the action or one of its
    /// resource types (AWS never sends the others, so a condition on them sees the key absent).
    /// Unmodelled actions are assumed to carry every key.
    pub fn takes_condition_key(&self, key: &str) -> bool {
        if self.status == ActionStatus::Unmodelled
            || GLOBAL_KEYS.iter().any(|k| template_key_match(k, key))
        {
            return true;
        }
        self.condition_keys
            .iter()
            .any(|k| template_key_match(k, key))
    }

    /// Whether a policy's `Resource` entry `arn` (wildcards and `${...}` parts allowed) can
    /// match a resource this action acts on: `"*"` always can; otherwise some string must fit
    /// both `arn` and one of the action's resource-type ARN formats. An action without resource
    /// types is authorized against `"*"` alone, so only a pattern that matches `"*"` fits it.
    /// Unmodelled actions accept anything.
    pub fn accepts_resource(&self, arn: &str) -> bool {
        if self.status == ActionStatus::Unmodelled || arn == "*" {
            return true;
        }
        if self.resource_types.is_empty() {
            return wildcard_match(arn, "*", false);
        }
        let pattern = placeholders_as_stars(arn);
        self.resource_types
            .iter()
            .any(|t| arn_patterns_overlap(&pattern, &placeholders_as_stars(t.arn)))
    }
}

/// The catalog's record of `action` (`prefix:Name`, no wildcards; case-insensitive), or `None`
/// when it is not a known action.
pub fn action_info(action: &str) -> Option<ActionInfo> {
    let (entry, line) = action_line(action)?;
    let mut row = line.split('\t').skip(2);
    let status = status_of(entry, row.next().unwrap_or_default());
    let resources = row.next().unwrap_or_default();
    let own_keys = row.next().unwrap_or_default();
    let split = |list: &'static str| list.split(',').filter(|k| !k.is_empty());
    let mut keys: Vec<&'static str> = split(own_keys).collect();
    let mut resource_types = Vec::new();
    for r in split(resources) {
        let (name, required) = match r.strip_suffix('*') {
            Some(n) => (n, true),
            None => (r, false),
        };
        if let Some((name, arn, type_keys)) = entry.resources().find(|t| t.0 == name) {
            keys.extend(split(type_keys));
            resource_types.push(ResourceTypeInfo {
                name,
                arn,
                required,
                condition_keys: split(type_keys).collect(),
            });
        }
    }
    keys.sort_unstable();
    keys.dedup();
    Some(ActionInfo {
        prefix: entry.prefix(),
        name: first_field(line.get(2..).unwrap_or_default()).0,
        status,
        resource_types,
        condition_keys: keys,
    })
}

/// The service and `A` line of `action` (`prefix:Name`, no wildcards; any case).
fn action_line(action: &str) -> Option<(Service, &'static str)> {
    let (prefix, name) = action.split_once(':')?;
    let entry = service(prefix)?;
    Some((entry, entry.action(name)?))
}

fn status_of(service: Service, status: &str) -> ActionStatus {
    match status {
        "retired" => ActionStatus::Retired,
        "unmodelled" => ActionStatus::Unmodelled,
        _ if service.retired() => ActionStatus::Retired,
        _ => ActionStatus::Current,
    }
}

/// The prefix and name of `action` (`prefix:Name`, no wildcards; any case) as the catalog
/// spells them, and its status: the part of [`action_info`] that the retired-action lint asks
/// for every action of every policy, without gathering resource types and condition keys.
pub(crate) fn action_status(action: &str) -> Option<(&'static str, &'static str, ActionStatus)> {
    let (entry, line) = action_line(action)?;
    let mut row = line.split('\t').skip(1);
    let name = row.next().unwrap_or_default();
    Some((
        entry.prefix(),
        name,
        status_of(entry, row.next().unwrap_or_default()),
    ))
}

/// Whether the service with action prefix `prefix` is one AWS has retired.
pub fn is_retired_service(prefix: &str) -> bool {
    service(prefix).is_some_and(Service::retired)
}

/// `${Anything}` (an ARN format's placeholder, or a policy variable or `Fn::Sub` reference in a
/// policy) as `*`: either can stand for any text.
fn placeholders_as_stars(arn: &str) -> String {
    let mut out = String::with_capacity(arn.len());
    let mut rest = arn;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Whether a policy's ARN pattern and a resource type's ARN format can name the same resource,
/// segment by segment: IAM's wildcards match within an ARN segment (partition, service, region,
/// account, and the resource part after the fifth colon), so `arn:aws:sagemaker:*:*:experiment/*`
/// never names a notebook instance. A policy ARN of fewer segments ending in `*` (`arn:aws:s3*`)
/// spans the rest, as "a `*` that is the last character of a segment can expand beyond the colon
/// boundaries".
fn arn_patterns_overlap(policy: &str, format: &str) -> bool {
    let p: Vec<&str> = policy.splitn(6, ':').collect();
    let f: Vec<&str> = format.splitn(6, ':').collect();
    if p.len() == 6 && f.len() == 6 {
        return p.iter().zip(&f).all(|(a, b)| patterns_overlap(a, b));
    }
    let Some((last, head)) = p.split_last() else {
        return false;
    };
    if !last.ends_with('*') || head.len() >= f.len() {
        return patterns_overlap(policy, format);
    }
    head.iter().zip(&f).all(|(a, b)| patterns_overlap(a, b))
        && patterns_overlap(last, &f[head.len()..].join(":"))
}

/// Whether some text matches both wildcard patterns (`*` any run, `?` one character). A
/// reachability search over pairs of positions: at most (|a|+1)(|b|+1) states.
fn patterns_overlap(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut seen = vec![false; (n + 1) * (m + 1)];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if std::mem::replace(&mut seen[i * (m + 1) + j], true) {
            continue;
        }
        if i == n && j == m {
            return true;
        }
        let mut push = |i: usize, j: usize| {
            if !seen[i * (m + 1) + j] {
                stack.push((i, j));
            }
        };
        let a_star = i < n && a[i] == '*';
        let b_star = j < m && b[j] == '*';
        if a_star {
            push(i + 1, j);
            if j < m {
                push(i, j + 1);
            }
        }
        if b_star {
            push(i, j + 1);
            if i < n {
                push(i + 1, j);
            }
        }
        if i < n && j < m && !a_star && !b_star && (a[i] == b[j] || a[i] == '?' || b[j] == '?') {
            push(i + 1, j + 1);
        }
    }
    false
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
    service(prefix).is_some_and(|s| s.keys().any(matches))
}

/// The nearest known condition key to `key`, for a "did you mean".
pub fn suggest_condition_key(key: &str) -> Option<String> {
    let prefix = key.split_once(':').map_or("", |p| p.0);
    let service_keys = service(prefix).into_iter().flat_map(Service::keys);
    nearest(key, GLOBAL_KEYS.iter().copied().chain(service_keys)).map(str::to_string)
}

fn template_key_match(known: &str, key: &str) -> bool {
    // Most keys have no `${...}` part: the comparison below without building a pattern. Bytes,
    // not chars: the catalog's keys are ASCII, and this runs for every known key of a service
    // at every condition a policy names.
    let Some(marks) = known.bytes().position(|b| matches!(b, b'$' | b'*' | b'?')) else {
        return known.eq_ignore_ascii_case(key);
    };
    // What comes before the first mark is literal: a key that does not start with it cannot
    // match, and most keys a policy names are turned away here, before a pattern is built.
    let literal = &known.as_bytes()[..marks];
    if !key
        .as_bytes()
        .get(..marks)
        .is_some_and(|start| start.eq_ignore_ascii_case(literal))
    {
        return false;
    }
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
            // Optimal string alignment: swapping two neighbours is one edit, since `SourceVcpe`
            // for `SourceVpce` is the commonest slip.
            (strsim::osa_distance(&lower, &candidate), extends, c)
        })
        .filter(|(d, _, _)| *d <= limit)
        .min_by_key(|(d, extends, c)| (*d, *extends, c.len()))
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Orders as the catalog sorts actions: by their ASCII-lowercase bytes.
    fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    }

    /// The build script's offsets point where they say: every service row at its `S` line,
    /// its `K`, `R` and `A` regions holding only lines of their kind and following each other,
    /// every action offset at an `A` line, and as many rows and action offsets as the text has
    /// `S` and `A` lines.
    #[test]
    fn the_offsets_point_at_the_records_they_name() {
        let at = |o: u32| &TEXT[o as usize..];
        let lines = |kind: &str| TEXT.lines().filter(|l| l.starts_with(kind)).count();
        assert_eq!(index::SERVICES.len(), lines("S\t"));
        assert_eq!(index::ACTIONS.len(), lines("A\t"));
        let mut previous_end = index::SERVICES[0][0];
        for row @ [s, r, a, first, end] in index::SERVICES {
            assert_eq!(s, previous_end, "{row:?}: services follow each other");
            assert!(at(s).starts_with("S\t") && s <= r && r <= a, "{row:?}");
            let region = |from: u32, to: u32| TEXT[from as usize..to as usize].lines();
            let keys = region(s, r).skip(1);
            assert!(
                keys.clone().all(|l| l.starts_with("K\t")),
                "{row:?}: K lines"
            );
            assert!(
                region(r, a).all(|l| l.starts_with("R\t")),
                "{row:?}: R lines"
            );
            let actions = &index::ACTIONS[first as usize..end as usize];
            assert!(actions.iter().all(|&o| at(o).starts_with("A\t")), "{row:?}");
            previous_end = match actions.last() {
                Some(&o) => o + at(o).find('\n').unwrap() as u32 + 1,
                None => a,
            };
        }
        assert_eq!(previous_end as usize, TEXT.len());
    }

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
    fn services_are_sorted_as_searched_and_retired_ones_are_marked() {
        let prefixes: Vec<&str> = services().map(Service::prefix).collect();
        assert!(prefixes.windows(2).all(|w| w[0] < w[1]));
        assert!(prefixes.iter().all(|p| *p == p.to_ascii_lowercase()));
        assert!(prefixes.len() > 450);
        assert!(is_retired_service("elastic-inference"));
        assert!(!is_retired_service("sagemaker"));
        assert!(check_action("elastic-inference:Connect").is_ok());
    }

    #[test]
    fn wildcard_patterns_overlap() {
        assert!(patterns_overlap("arn:*:s3:::b/*", "arn:*:s3:::*/*"));
        assert!(patterns_overlap("a*c", "*b*"));
        assert!(patterns_overlap("a?c", "abc"));
        assert!(!patterns_overlap("arn:aws:s3:::b", "arn:*:s3:::*/*"));
        assert!(!patterns_overlap("abc", "abd"));
        assert!(patterns_overlap("", "*"));
        assert!(!patterns_overlap("", "?"));
    }

    #[test]
    fn resource_types_and_keys_of_actions_airgap_grants() {
        // The Service Authorization Reference: DescribeKey acts on `key` and lists
        // kms:CallerAccount, kms:RequestAlias and kms:ViaService; no encryption context.
        let describe = action_info("kms:DescribeKey").unwrap();
        assert!(
            describe
                .resource_types
                .iter()
                .any(|t| t.name == "key" && t.required)
        );
        assert!(describe.takes_condition_key("kms:ViaService"));
        assert!(!describe.takes_condition_key("kms:EncryptionContext:aws:logs:arn"));
        assert!(
            action_info("kms:Decrypt")
                .unwrap()
                .takes_condition_key("kms:EncryptionContext:aws:logs:arn")
        );
        let vpc_attr = action_info("ec2:DescribeVpcAttribute").unwrap();
        assert!(
            vpc_attr.accepts_resource(
                "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/*"
            )
        );
        assert!(
            action_info("s3:ListBucket")
                .unwrap()
                .takes_condition_key("s3:prefix")
        );
        // Wildcards stay within their ARN segment: experiments are not notebook instances.
        let notebook = action_info("sagemaker:CreateNotebookInstance").unwrap();
        assert!(!notebook.accepts_resource("arn:aws:sagemaker:*:*:experiment/*"));
        assert!(notebook.accepts_resource("arn:aws:sagemaker:*:*:notebook-instance/*"));
        assert!(notebook.accepts_resource("arn:aws:sagemaker*"));
        assert!(!notebook.accepts_resource("arn:aws:s3*"));
        assert!(action_info("nosuch:Thing").is_none());
        assert!(action_info("s3:GetObjekt").is_none());
    }

    #[test]
    fn records_compare_as_their_names_do() {
        let s3 = service("s3").unwrap();
        for &o in s3.action_offsets().iter().take(40) {
            for key in [
                "",
                "a",
                "GetObject",
                "getobject",
                "GetObjectAcl",
                "Get",
                "zzz",
                "GetObjectX",
            ] {
                assert_eq!(
                    cmp_field(o, key),
                    cmp_ignore_case(field_at(o), key),
                    "{key}"
                );
            }
        }
    }

    #[test]
    fn the_nearest_name_forgives_a_swap_of_neighbours() {
        let known = ["aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp"];
        assert_eq!(
            nearest("aws:SourceVcpe", known.into_iter()),
            Some("aws:SourceVpce")
        );
        assert_eq!(
            nearest("s3:GetObjekt", ["s3:GetObject"].into_iter()),
            Some("s3:GetObject")
        );
        assert_eq!(nearest("kms:Nothing", known.into_iter()), None);
    }

    /// The binary searches in `check_action` rely on the generated catalog's order.
    #[test]
    fn every_catalog_action_is_found_and_the_catalog_is_sorted_as_searched() {
        for s in services() {
            let (prefix, actions) = (s.prefix(), s.names());
            assert!(
                actions
                    .windows(2)
                    .all(|w| cmp_ignore_case(w[0], w[1]).is_le()),
                "{prefix}'s actions are not sorted case-insensitively"
            );
            for a in actions {
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
