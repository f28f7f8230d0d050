//! airgap's policy evaluator against an independent one: `@cloud-copilot/iam-simulate`
//! (pinned in `tests/oracle/package.json`, installed by `.ci/run`), run once over all cases by
//! `tests/oracle/oracle.js`.
//!
//! The cases are endpoint- and bucket-style resource policies from a seeded generator:
//! `Allow`/`Deny` statements with `Action`/`NotAction` (wildcards and upper-case prefixes
//! included), `Resource`/`NotResource`, principals of every form (accounts, roles with paths,
//! sessions, users, federated users, services, `*`, `NotPrincipal`), and conditions over the
//! keys and operators such policies use. Each goes to both evaluators with a request from a
//! caller of every kind.
//!
//! **How "this resource policy alone" is asked of the oracle.** The policy is the resource
//! policy of a resource owned by an account no caller belongs to (`RESOURCE_ACCOUNT`). For a
//! signed AWS caller that makes the request cross-account, which AWS allows only when both
//! sides allow ("the identity-based policy in the trusted account and the resource-based policy
//! in the trusting account must both allow"); the identity side is one policy allowing every
//! action on every resource, so the oracle's answer is the resource policy's. Service and
//! anonymous callers have no identity side. The oracle does not derive the principal keys
//! from the caller, so this test gives it the values AWS documents ("AWS global condition
//! context keys": for a role session `aws:PrincipalArn` is the role's ARN, for a federated
//! user the `federated-user` ARN, for a user or the root user their own ARN); airgap derives
//! them itself, so its derivation is checked too.
//!
//! The test fails on every airgap `Allow` the oracle denies, always; and on every other
//! disagreement not explained by an entry of `KNOWN_DIFFERENCES`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use airgap::iam::{Outcome, PolicyDocument, Request};
use serde_json::{Map, Value, json};

use super::common::Rng;

const SEED: u64 = 0x00a1_59a9_2026_1206;
const CASES: usize = 1500;
const RESOURCE_ACCOUNT: &str = "999988887777";

/// Disagreements where airgap denies and the oracle allows, each explained: where AWS's
/// documentation gives no answer, airgap takes the one that denies and says so in
/// `Decision::assumptions`, and the entry names the words it uses there.
const KNOWN_DIFFERENCES: &[KnownDifference] = &[
    KnownDifference {
        id: "plain-operator-on-multivalued-key",
        assumption: "without a set operator",
        reason: "\"Multivalued context keys require a condition set operator\" (IAM User Guide, \
                 Single-valued vs. multivalued context keys); nothing says what AWS does without \
                 one. The oracle reads the condition as false (its authors cite AWS's IAM team), \
                 which on a Deny lets the request through; airgap's Deny holds instead, and the \
                 lint `plain-operator-on-multivalued-key` flags the statement.",
    },
    KnownDifference {
        id: "for-any-value-if-exists-on-absent-key",
        assumption: "not which wins",
        reason: "ForAnyValue: \"If the key is missing ... the condition returns false\"; \
                 ...IfExists: \"If the key is not present, evaluate the condition element as \
                 true\". No page says which wins when both are written. The oracle ignores \
                 IfExists; airgap takes the denying answer.",
    },
    KnownDifference {
        id: "federated-user-named-by-its-iam-user",
        assumption: "federated user",
        reason: "\"To specify the federated user session ARN in the Principal element, use \
                 arn:aws:sts::AWS-account-ID:federated-user/user-name\"; the documentation does \
                 not say that naming the IAM user who federated also names the session. The \
                 oracle matches it; airgap does not on an Allow (and does on a Deny).",
    },
];

struct KnownDifference {
    id: &'static str,
    /// Words of airgap's assumption that identify the difference.
    assumption: &'static str,
    /// Why, in the documentation's words.
    reason: &'static str,
}

// ---------------------------------------------------------------------------------------------
// The seeded generator.

const ME: &str = "111122223333";
const PARTNER: &str = "444455556666";
const ROLE_WITH_PATH: &str = "arn:aws:iam::111122223333:role/service-role/Pipeline";
const ROLE: &str = "arn:aws:iam::111122223333:role/DataScientist";
const PARTNER_ROLE: &str = "arn:aws:iam::444455556666:role/ops/team/Admin";

/// Who asks.
#[derive(Debug, Clone)]
enum Caller {
    Session {
        role_arn: &'static str,
        session: &'static str,
    },
    User(&'static str),
    FederatedUser(&'static str),
    Root(&'static str),
    Service(&'static str),
    Anonymous,
}

impl Caller {
    fn arn(&self) -> Option<String> {
        Some(match self {
            Caller::Session { role_arn, session } => {
                let account = role_arn.split(':').nth(4).unwrap();
                let name = role_arn.rsplit('/').next().unwrap();
                format!("arn:aws:sts::{account}:assumed-role/{name}/{session}")
            }
            Caller::User(arn) | Caller::FederatedUser(arn) => (*arn).to_string(),
            Caller::Root(account) => format!("arn:aws:iam::{account}:root"),
            Caller::Service(_) | Caller::Anonymous => return None,
        })
    }

    /// The principal keys AWS puts in the context, as the IAM User Guide lists them for
    /// `aws:PrincipalArn` and `aws:PrincipalAccount`; written out here, independently of
    /// airgap's derivation.
    fn documented_keys(&self) -> Vec<(&'static str, String)> {
        if let Caller::Anonymous = self {
            // "For anonymous requests, the request context returns `anonymous`."
            return vec![("aws:PrincipalAccount", "anonymous".into())];
        }
        let Some(arn) = self.arn() else {
            return Vec::new();
        };
        let account = arn.split(':').nth(4).unwrap().to_string();
        let principal_arn = match self {
            // "IAM role – ... arn:aws:iam::123456789012:role/role-name. Do not specify the
            // assumed role session ARN as a value for this condition key."
            Caller::Session { role_arn, .. } => (*role_arn).to_string(),
            // "AWS STS federated user principals – arn:aws:sts::123456789012:federated-user/
            // user-name"; users and the root user: their own ARN.
            _ => arn,
        };
        vec![
            ("aws:PrincipalArn", principal_arn),
            ("aws:PrincipalAccount", account),
        ]
    }
}

const CALLERS: &[Caller] = &[
    Caller::Session {
        role_arn: ROLE_WITH_PATH,
        session: "build-42",
    },
    Caller::Session {
        role_arn: ROLE,
        session: "alice",
    },
    Caller::Session {
        role_arn: PARTNER_ROLE,
        session: "ops",
    },
    Caller::User("arn:aws:iam::111122223333:user/alice"),
    Caller::User("arn:aws:iam::444455556666:user/carol"),
    Caller::FederatedUser("arn:aws:sts::111122223333:federated-user/bob"),
    Caller::Root(PARTNER),
    Caller::Service("cloudtrail.amazonaws.com"),
    Caller::Anonymous,
];

const PRINCIPALS: &[&str] = &[
    ME,
    PARTNER,
    "arn:aws:iam::111122223333:root",
    ROLE_WITH_PATH,
    ROLE,
    PARTNER_ROLE,
    "arn:aws:sts::111122223333:assumed-role/Pipeline/build-42",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:sts::111122223333:federated-user/bob",
    "*",
];

const STATEMENT_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "s3:Get*",
    "s3:List*",
    "s3:*",
    "*",
    "S3:getobject",
    "s3:*Object",
];

const STATEMENT_RESOURCES: &[&str] = &[
    "arn:aws:s3:::data-bucket",
    "arn:aws:s3:::data-bucket/*",
    "arn:aws:s3:::data-bucket/home/*",
    "arn:*:s3:::data-bucket/*",
    "arn:aws:s3:::data-*",
    "arn:aws:s3:::other-bucket/*",
    "*",
];

/// (action, resources it may be asked for)
const REQUESTS: &[(&str, &[&str])] = &[
    (
        "s3:GetObject",
        &[
            "arn:aws:s3:::data-bucket/home/a.csv",
            "arn:aws:s3:::data-bucket/x",
            "arn:aws:s3:::other-bucket/x",
        ],
    ),
    (
        "s3:PutObject",
        &[
            "arn:aws:s3:::data-bucket/home/b",
            "arn:aws:s3:::other-bucket/y",
        ],
    ),
    ("s3:DeleteObject", &["arn:aws:s3:::data-bucket/x"]),
    (
        "s3:ListBucket",
        &["arn:aws:s3:::data-bucket", "arn:aws:s3:::other-bucket"],
    ),
    (
        "sagemaker:CreatePresignedNotebookInstanceUrl",
        &["arn:aws:sagemaker:eu-west-1:999988887777:notebook-instance/nb"],
    ),
    (
        "logs:PutLogEvents",
        &[
            "arn:aws:logs:eu-west-1:999988887777:log-group:/aws/sagemaker/NotebookInstances:log-stream:nb",
            "arn:aws:logs:eu-west-1:999988887777:log-group:other:log-stream:x",
        ],
    ),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Str,
    Arn,
    Ip,
    Bool,
    Date,
    Num,
}

/// A condition key: its type, the values policies compare it with, the values requests carry,
/// and whether AWS sends it as a set.
struct Key {
    name: &'static str,
    kind: Kind,
    policy_values: &'static [&'static str],
    request_values: &'static [&'static str],
    multivalued: bool,
}

const KEYS: &[Key] = &[
    Key {
        name: "aws:PrincipalAccount",
        kind: Kind::Str,
        policy_values: &[ME, PARTNER, "1111*"],
        request_values: &[],
        multivalued: false,
    },
    Key {
        name: "aws:PrincipalArn",
        kind: Kind::Arn,
        policy_values: &[
            ROLE_WITH_PATH,
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::*:user/alice",
            "arn:aws:sts::111122223333:assumed-role/Pipeline/build-42",
            "arn:aws:sts::111122223333:federated-user/bob",
            "arn:aws:iam::444455556666:root",
        ],
        request_values: &[],
        multivalued: false,
    },
    Key {
        name: "aws:PrincipalOrgID",
        kind: Kind::Str,
        policy_values: &["o-abc123", "o-other"],
        request_values: &["o-abc123", "o-other"],
        multivalued: false,
    },
    Key {
        name: "aws:PrincipalOrgPaths",
        kind: Kind::Str,
        policy_values: &[
            "o-abc123/r-ab12/ou-ab12-11111111/",
            "o-abc123/*",
            "o-abc123/r-ab12/ou-ab12-22222222/*",
        ],
        request_values: &[
            "o-abc123/r-ab12/ou-ab12-11111111/",
            "o-abc123/r-ab12/ou-ab12-22222222/ou-x/",
            "o-other/r-1/ou-1/",
        ],
        multivalued: true,
    },
    Key {
        name: "aws:SourceVpce",
        kind: Kind::Str,
        policy_values: &["vpce-1a2b3c4d", "vpce-9z8y7x6w", "vpce-1*"],
        request_values: &["vpce-1a2b3c4d", "vpce-0f0f0f0f"],
        multivalued: false,
    },
    Key {
        name: "aws:SourceIp",
        kind: Kind::Ip,
        policy_values: &["10.0.0.0/8", "203.0.113.0/24", "198.51.100.7/32"],
        request_values: &["10.1.2.3", "203.0.113.9", "192.0.2.1"],
        multivalued: false,
    },
    Key {
        name: "aws:SecureTransport",
        kind: Kind::Bool,
        policy_values: &["true", "false"],
        request_values: &["true", "false"],
        multivalued: false,
    },
    Key {
        name: "s3:prefix",
        kind: Kind::Str,
        policy_values: &["home/", "home/*", "data/"],
        request_values: &["home/", "data/", "home/alice/"],
        multivalued: false,
    },
    Key {
        name: "aws:CurrentTime",
        kind: Kind::Date,
        policy_values: &["2026-01-01T00:00:00Z", "2027-06-30T12:00:00Z"],
        request_values: &["2026-12-06T04:00:00Z", "2025-03-01T00:00:00Z"],
        multivalued: false,
    },
    Key {
        name: "aws:MultiFactorAuthAge",
        kind: Kind::Num,
        policy_values: &["3600", "60"],
        request_values: &["600", "7200"],
        multivalued: false,
    },
    Key {
        name: "s3:max-keys",
        kind: Kind::Num,
        policy_values: &["10", "1000"],
        request_values: &["100"],
        multivalued: false,
    },
];

fn operators(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Str => &[
            "StringEquals",
            "StringNotEquals",
            "StringLike",
            "StringNotLike",
            "StringEqualsIgnoreCase",
        ],
        Kind::Arn => &[
            "ArnEquals",
            "ArnLike",
            "ArnNotEquals",
            "ArnNotLike",
            "StringEquals",
            "StringLike",
        ],
        Kind::Ip => &["IpAddress", "NotIpAddress"],
        Kind::Bool => &["Bool"],
        Kind::Date => &[
            "DateLessThan",
            "DateGreaterThan",
            "DateEquals",
            "DateNotEquals",
            "DateGreaterThanEquals",
        ],
        Kind::Num => &[
            "NumericLessThan",
            "NumericGreaterThanEquals",
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThanEquals",
        ],
    }
}

fn one_or_list(rng: &mut Rng, mut values: Vec<Value>) -> Value {
    if values.len() == 1 && rng.chance(60) {
        values.remove(0)
    } else {
        Value::Array(values)
    }
}

fn pick_values(rng: &mut Rng, pool: &[&str], max: usize) -> Vec<Value> {
    let n = 1 + rng.below(max);
    let mut out: Vec<Value> = Vec::new();
    for _ in 0..n {
        let v = json!(rng.pick(pool));
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn condition(rng: &mut Rng) -> Map<String, Value> {
    let key = rng.pick(KEYS);
    let (operator, values) = if rng.chance(10) {
        const NULLS: [&[&str]; 3] = [&["true"], &["false"], &["true", "false"]];
        let v: &[&str] = NULLS[rng.below(NULLS.len())];
        ("Null".to_string(), v.iter().map(|s| json!(s)).collect())
    } else {
        let mut op = (*rng.pick(operators(key.kind))).to_string();
        let set_chance = if key.multivalued { 80 } else { 10 };
        if rng.chance(set_chance) {
            op = format!("{}{op}", rng.pick(&["ForAnyValue:", "ForAllValues:"]));
        }
        if rng.chance(20) {
            op.push_str("IfExists");
        }
        (op, pick_values(rng, key.policy_values, 2))
    };
    let mut m = Map::new();
    let mut inner = Map::new();
    inner.insert(key.name.to_string(), one_or_list(rng, values));
    m.insert(operator, Value::Object(inner));
    m
}

fn principal(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 | 1 => json!("*"),
        2 => json!({"Service": "cloudtrail.amazonaws.com"}),
        _ => {
            let values = pick_values(rng, PRINCIPALS, 3);
            let values = one_or_list(rng, values);
            json!({ "AWS": values })
        }
    }
}

fn statement(rng: &mut Rng) -> Value {
    let deny = rng.chance(40);
    let mut s = Map::new();
    s.insert("Effect".into(), json!(if deny { "Deny" } else { "Allow" }));
    if deny && rng.chance(15) {
        let values = pick_values(rng, &PRINCIPALS[..10], 2);
        s.insert(
            "NotPrincipal".into(),
            json!({"AWS": one_or_list(rng, values)}),
        );
    } else {
        s.insert("Principal".into(), principal(rng));
    }
    let actions = pick_values(rng, STATEMENT_ACTIONS, 3);
    let actions = one_or_list(rng, actions);
    let not_action = rng.chance(if deny { 25 } else { 8 });
    s.insert(
        (if not_action { "NotAction" } else { "Action" }).into(),
        actions,
    );
    let resources = pick_values(rng, STATEMENT_RESOURCES, 2);
    let resources = one_or_list(rng, resources);
    let not_resource = rng.chance(if deny { 20 } else { 5 })
        && !resources
            .as_array()
            .map_or(resources == "*", |a| a.contains(&json!("*")));
    s.insert(
        (if not_resource {
            "NotResource"
        } else {
            "Resource"
        })
        .into(),
        resources,
    );
    let mut conditions = Map::new();
    for _ in 0..rng.below(3) {
        for (op, keys) in condition(rng) {
            let entry = conditions.entry(op).or_insert_with(|| json!({}));
            for (k, v) in keys.as_object().unwrap() {
                entry.as_object_mut().unwrap().insert(k.clone(), v.clone());
            }
        }
    }
    if !conditions.is_empty() {
        s.insert("Condition".into(), Value::Object(conditions));
    }
    Value::Object(s)
}

/// One generated case: the policy and the request, in both evaluators' terms.
struct Case {
    policy: Value,
    action: &'static str,
    resource: &'static str,
    caller: Caller,
    /// Given keys: (key, values, multivalued).
    context: Vec<(&'static str, Vec<&'static str>, bool)>,
}

fn case(rng: &mut Rng) -> Case {
    let statements: Vec<Value> = (0..1 + rng.below(3)).map(|_| statement(rng)).collect();
    let (action, resources) = *rng.pick(REQUESTS);
    let resource = *rng.pick(resources);
    let caller = rng.pick(CALLERS).clone();
    let mut context = Vec::new();
    for key in KEYS {
        if key.request_values.is_empty() || !rng.chance(45) {
            continue;
        }
        let n = if key.multivalued { 1 + rng.below(2) } else { 1 };
        let mut values = Vec::new();
        for _ in 0..n {
            let v = *rng.pick(key.request_values);
            if !values.contains(&v) {
                values.push(v);
            }
        }
        context.push((key.name, values, key.multivalued));
    }
    Case {
        policy: json!({"Version": "2012-10-17", "Statement": statements}),
        action,
        resource,
        caller,
        context,
    }
}

// ---------------------------------------------------------------------------------------------
// The two evaluators.

fn airgap_request(c: &Case) -> Request {
    let mut r = Request::new(c.action, c.resource);
    r = match &c.caller {
        Caller::Session { role_arn, session } => r.assumed_role(role_arn, session),
        Caller::Service(name) => r.service_principal(*name),
        Caller::Anonymous => r.anonymous(),
        other => r.principal_arn(other.arn().unwrap()),
    };
    for (key, values, multivalued) in &c.context {
        r = if *multivalued {
            r.context_values(key, values.iter().copied())
        } else {
            r.context(key, values[0])
        };
    }
    r
}

fn oracle_line(c: &Case) -> String {
    let mut context = Map::new();
    for (key, value) in c.caller.documented_keys() {
        context.insert(key.into(), json!(value));
    }
    for (key, values, multivalued) in &c.context {
        let v = if *multivalued {
            json!(values)
        } else {
            json!(values[0])
        };
        context.insert((*key).into(), v);
    }
    let caller = match &c.caller {
        Caller::Service(name) => json!({"service": name}),
        Caller::Anonymous => json!({"anonymous": true}),
        other => json!({"arn": other.arn().unwrap()}),
    };
    json!({
        "policy": c.policy,
        "action": c.action,
        "resource": c.resource,
        "resourceAccount": RESOURCE_ACCOUNT,
        "caller": caller,
        "context": context,
    })
    .to_string()
}

fn required() -> bool {
    std::env::var_os("AIRGAP_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty() && v != "0")
}

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

/// The oracle's answers, one per line given; `None` when node or the package is missing.
pub(super) fn run_oracle(lines: &[String]) -> Option<Vec<Value>> {
    let dir = oracle_dir();
    let installed = dir
        .join("node_modules/@cloud-copilot/iam-simulate")
        .is_dir();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !(installed && node) {
        assert!(
            !required(),
            "the IAM oracle is not installed (node, and `npm ci` in tests/oracle), and AIRGAP_REQUIRE_TOOLS is set: see .ci/run"
        );
        eprintln!(
            "\n!!! SKIPPED: the differential test needs node and `npm ci` in tests/oracle; airgap's evaluator was NOT compared. !!!\n"
        );
        return None;
    }
    let mut child = Command::new("node")
        .arg(dir.join("oracle.js"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let input = lines.join("\n") + "\n";
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("node runs");
    writer.join().expect("writer").expect("write cases");
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("an answer is JSON"))
        .collect();
    assert_eq!(answers.len(), lines.len(), "one answer per case");
    Some(answers)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Allowed,
    Explicit,
    Implicit,
}

impl Answer {
    fn strictness(self) -> u8 {
        match self {
            Answer::Allowed => 0,
            Answer::Implicit => 1,
            Answer::Explicit => 2,
        }
    }
}

fn oracle_answer(v: &Value) -> Option<Answer> {
    match v.get("result")?.as_str()? {
        "Allowed" => Some(Answer::Allowed),
        "ExplicitlyDenied" => Some(Answer::Explicit),
        "ImplicitlyDenied" => Some(Answer::Implicit),
        other => panic!("unknown oracle result {other}"),
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn airgap_agrees_with_an_independent_evaluator() {
    // Another seed (AIRGAP_DIFFERENTIAL_SEED) explores further; the README's figures are the
    // default seed's.
    let seed = std::env::var("AIRGAP_DIFFERENTIAL_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut rng = Rng(seed.unwrap_or(SEED));
    let cases: Vec<Case> = (0..CASES).map(|_| case(&mut rng)).collect();
    let lines: Vec<String> = cases.iter().map(oracle_line).collect();
    let Some(answers) = run_oracle(&lines) else {
        return;
    };

    let mut compared = 0;
    let mut agreed = 0;
    let mut oracle_refused = Vec::new();
    let mut false_allows = Vec::new();
    let mut unexplained = Vec::new();
    let mut explained: Vec<(&str, usize)> = KNOWN_DIFFERENCES.iter().map(|k| (k.id, 0)).collect();
    for (i, (c, answer)) in cases.iter().zip(&answers).enumerate() {
        let Some(theirs) = oracle_answer(answer) else {
            oracle_refused.push(format!("case {i}: {}", answer["error"]));
            continue;
        };
        compared += 1;
        let policy = PolicyDocument::from_value(&c.policy).expect("generated policies parse");
        let show = |what: &str| {
            format!(
                "case {i} ({what}): oracle {theirs:?}\n  policy {}\n  oracle request {}",
                c.policy, lines[i]
            )
        };
        let decision = match policy.evaluate(&airgap_request(c)) {
            Ok(d) => d,
            Err(e) => {
                unexplained.push(show(&format!("airgap refused: {e}")));
                continue;
            }
        };
        let ours = match decision.outcome() {
            Outcome::Allow => Answer::Allowed,
            Outcome::ExplicitDeny => Answer::Explicit,
            Outcome::ImplicitDeny => Answer::Implicit,
        };
        if ours == theirs {
            agreed += 1;
            continue;
        }
        if ours == Answer::Allowed {
            false_allows.push(show(&format!("airgap ALLOWS: {}", decision.reason())));
            continue;
        }
        // Only a stricter answer can be a known difference (an explicit deny where the oracle
        // denies implicitly or allows, an implicit deny where it allows).
        let known = KNOWN_DIFFERENCES.iter().position(|k| {
            ours.strictness() > theirs.strictness()
                && decision
                    .assumptions()
                    .iter()
                    .any(|a| a.contains(k.assumption))
        });
        match known {
            Some(k) => explained[k].1 += 1,
            None => unexplained.push(show(&format!(
                "airgap {ours:?}: {}; assumed {:?}",
                decision.reason(),
                decision.assumptions()
            ))),
        }
    }
    let rate = 100.0 * agreed as f64 / compared as f64;
    eprintln!(
        "differential: {compared} of {CASES} cases compared ({} refused by the oracle), {agreed} agree ({rate:.1}%), known differences {explained:?}",
        oracle_refused.len()
    );
    assert!(
        false_allows.is_empty(),
        "airgap allows what the oracle denies ({}):\n{}",
        false_allows.len(),
        false_allows.join("\n")
    );
    assert!(
        unexplained.is_empty(),
        "{} disagreements not in KNOWN_DIFFERENCES:\n{}",
        unexplained.len(),
        unexplained
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        compared >= 1000,
        "only {compared} cases compared: {oracle_refused:?}"
    );
    // The generator is seeded and the oracle pinned, so the numbers are exact: the README
    // quotes them, and must follow when the generator or the oracle changes.
    let claim = format!(
        "agree on {} of {} ({rate:.1}%)",
        thousands(agreed),
        thousands(compared)
    );
    assert!(
        seed.is_some() || include_str!("../../README.md").contains(&claim),
        "the README should say `{claim}`"
    );
    for k in KNOWN_DIFFERENCES {
        assert!(!k.reason.is_empty() && !k.id.is_empty());
    }
}
