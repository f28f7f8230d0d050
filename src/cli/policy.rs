//! `airgap policy`: check an IAM policy document, or ask it whether it allows a request.

use std::path::PathBuf;

use airgap::iam::{Outcome as Decided, PolicyDocument, PolicyKind, Request};
use airgap::template::Partition;

use super::io::{label, read_input, write_stdout};
use super::{Deferred, Failure, Outcome};

/// The subcommands of `airgap policy`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  airgap policy validate endpoint-policy.json
  airgap policy validate --kind identity role-policy.json
  airgap policy simulate --policy endpoint-policy.json --action s3:GetObject \\
      --resource arn:aws:s3:::my_secure_bucket/data.csv
  airgap policy simulate --policy bucket-policy.json --action s3:GetObject \\
      --resource arn:aws:s3:::my_secure_bucket/x --principal arn:aws:iam::111122223333:role/ml \\
      --context aws:SourceVpce=vpce-1a2b3c4d
  airgap policy simulate --policy bucket-policy.json --action s3:GetObject \\
      --resource arn:aws:s3:::my_secure_bucket/x \\
      --principal arn:aws:sts::111122223333:assumed-role/Pipeline/build-42 --role-path /service-role/ \\
      --context-values aws:PrincipalOrgPaths=o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/
  airgap policy simulate --policy bucket-policy.json --action s3:GetObject \\
      --resource arn:aws:s3:::my_secure_bucket/x --anonymous

Exit codes: validate 0 clean, 1 lint findings; simulate 0 allowed, 1 denied; 2 bad input.")]
pub struct Args {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PolicyCommand {
    /// Check a policy: JSON shape, real action names and condition keys (with suggestions),
    /// condition values of their operator's type, the rules of its kind, and risky shapes
    /// (printed as findings).
    Validate(Deferred<ValidateArgs>),
    /// Evaluate one request against a policy, as AWS evaluates a single policy.
    Simulate(Deferred<Box<SimulateArgs>>),
}

/// Where a policy is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    /// A resource policy (VPC endpoint, bucket, key): statements name a principal.
    Resource,
    /// An identity policy (user, role): statements name no principal.
    Identity,
    /// A role's trust policy.
    Trust,
}

impl From<Kind> for PolicyKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Resource => PolicyKind::Resource,
            Kind::Identity => PolicyKind::Identity,
            Kind::Trust => PolicyKind::Trust,
        }
    }
}

#[derive(Debug, clap::Args)]
struct ValidateArgs {
    /// The policy document, JSON (`-` reads stdin).
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Where the policy is used, which decides what its statements must hold.
    #[arg(long, value_enum, default_value = "resource")]
    kind: Kind,
}

#[derive(Debug, clap::Args)]
struct SimulateArgs {
    /// The policy document, JSON (`-` reads stdin).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,

    /// The action requested, e.g. s3:GetObject.
    #[arg(long)]
    action: String,

    /// The resource's ARN.
    #[arg(long, value_name = "ARN")]
    resource: String,

    /// The caller's ARN: a user, role, root user, role session
    /// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) or federated user. AWS derives
    /// aws:PrincipalArn (a session's role ARN), aws:PrincipalAccount and aws:PrincipalType from it.
    #[arg(long, value_name = "ARN", conflicts_with_all = ["anonymous", "service"])]
    principal: Option<String>,

    /// The path of the role whose session --principal is (session ARNs do not show it, and
    /// aws:PrincipalArn carries it), e.g. /service-role/.
    #[arg(long, value_name = "PATH", requires = "principal")]
    role_path: Option<String>,

    /// The caller is anonymous (an unsigned request): only "*" principals name it.
    #[arg(long, conflicts_with = "service")]
    anonymous: bool,

    /// The caller is an AWS service, e.g. logs.amazonaws.com.
    #[arg(long, value_name = "NAME")]
    service: Option<String>,

    /// A request context key and value (repeat; a key given twice is multivalued).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    context: Vec<(String, String)>,

    /// A value of a multivalued context key, such as aws:PrincipalOrgPaths (repeat for more
    /// values; one is a set of one).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    context_values: Vec<(String, String)>,

    /// The account the template's ${AWS::AccountId} stands for.
    #[arg(long, value_name = "ID")]
    account: Option<String>,

    /// The region the template's ${AWS::Region} stands for.
    #[arg(long)]
    region: Option<String>,

    /// The value of a template name the policy uses (a parameter, `Resource.Attribute`).
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_pair)]
    value: Vec<(String, String)>,
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| {
            format!("expected KEY=VALUE, such as aws:SourceVpce=vpce-1a2b3c4d; got `{s}`")
        })
}

/// Longer than any IAM action; the parser's nearest-name search costs time in proportion to
/// an action's length, so longer ones are refused before it runs.
const MAX_ACTION_LEN: usize = 256;

/// The first action (or not-action) of the document longer than [`MAX_ACTION_LEN`].
fn overlong_action(text: &str) -> Option<(usize, usize)> {
    let doc = airgap::template::json_to_value(text).ok()?;
    let statements = match doc.get("Statement")? {
        serde_json::Value::Array(a) => a.clone(),
        one => vec![one.clone()],
    };
    statements.iter().enumerate().find_map(|(i, s)| {
        ["Action", "NotAction"].iter().find_map(|k| {
            let actions = match s.get(*k)? {
                serde_json::Value::Array(a) => a.clone(),
                one => vec![one.clone()],
            };
            actions
                .iter()
                .filter_map(|a| a.as_str())
                .map(|a| a.chars().count())
                .find(|n| *n > MAX_ACTION_LEN)
                .map(|n| (i + 1, n))
        })
    })
}

fn read_policy(path: &std::path::Path) -> Result<PolicyDocument, Failure> {
    let text = read_input(path)?;
    if let Some((statement, len)) = overlong_action(&text) {
        return Err(Failure::Usage(format!(
            "{}: statement #{statement} names an action {len} characters long; no IAM action is longer than {MAX_ACTION_LEN}",
            label(path)
        )));
    }
    PolicyDocument::from_json(&text).map_err(|error| Failure::Library {
        source: Some(label(path)),
        error: Box::new(error),
    })
}

/// Runs `airgap policy ...`.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    match args.command {
        PolicyCommand::Validate(Deferred(a)) => validate(a),
        PolicyCommand::Simulate(Deferred(a)) => simulate(*a),
    }
}

fn validate(args: ValidateArgs) -> Result<Outcome, Failure> {
    let policy = read_policy(&args.file)?;
    let name = label(&args.file);
    policy
        .validate(args.kind.into(), "policy document")
        .map_err(|error| Failure::Library {
            source: Some(name.clone()),
            error: Box::new(error),
        })?;
    let findings = policy.lint();
    let mut out = format!(
        "{name}: valid {} with {} statement(s)\n",
        PolicyKind::from(args.kind),
        policy.statements().len()
    );
    for f in &findings {
        out.push_str(&format!("{name}: {} {f}\n", f.kind.code()));
    }
    write_stdout(out.as_bytes())?;
    Ok(if findings.is_empty() {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

fn simulate(args: SimulateArgs) -> Result<Outcome, Failure> {
    let policy = read_policy(&args.policy)?;
    let mut request = Request::new(args.action.clone(), args.resource.clone());
    if let Some(p) = &args.principal {
        request = request.principal_arn(p.clone());
    }
    if let Some(path) = &args.role_path {
        request = request.role_path(path.clone());
    }
    if args.anonymous {
        request = request.anonymous();
    }
    if let Some(service) = &args.service {
        request = request.service_principal(service.clone());
    }
    for (pairs, set) in [(&args.context, false), (&args.context_values, true)] {
        let mut keys: Vec<&str> = Vec::new();
        for (k, _) in pairs {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
        for key in keys {
            let values: Vec<String> = pairs
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .collect();
            request = match values.as_slice() {
                [one] if !set => request.context(key, one.clone()),
                _ => request.context_values(key, values),
            };
        }
    }
    if let Some(a) = &args.account {
        request = request.account(a.clone());
    }
    if let Some(r) = &args.region {
        request = request.region(r.clone()).partition(Partition::of_region(r));
    }
    for (k, v) in &args.value {
        request = request.template_value(k.clone(), v.clone());
    }
    let decision = policy
        .evaluate(&request)
        .map_err(|error| Failure::Library {
            source: Some(label(&args.policy)),
            error: Box::new(error),
        })?;
    let by = decision
        .statement()
        .map(|s| format!(" (statement {s})"))
        .unwrap_or_default();
    let mut out = format!(
        "{}{by}: {} on {}\n{}\n",
        decision.outcome(),
        args.action,
        args.resource,
        decision.reason()
    );
    if !decision.context().is_empty() {
        out.push_str("request context:\n");
        for c in decision.context() {
            out.push_str(&format!("  {c}\n"));
        }
    }
    for (key, why) in decision.ignored_keys() {
        out.push_str(&format!("ignored: {key}: {why}\n"));
    }
    for a in decision.assumptions() {
        out.push_str(&format!("assumed: {a}\n"));
    }
    write_stdout(out.as_bytes())?;
    Ok(match decision.outcome() {
        Decided::Allow => Outcome::Success,
        Decided::ExplicitDeny | Decided::ImplicitDeny => Outcome::Findings,
    })
}
