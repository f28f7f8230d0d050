//! SageMaker workloads in a template: where each one lands in the network (subnets, security
//! groups, the endpoints it reaches on 443), how it is set, and what the network's guardrail
//! decides about the request that creates it.

use serde_json::Value;

use super::model::{display, ref_target};
use super::reach::{Party, Reachability};
use crate::iam::{Outcome, Request};
use crate::sagemaker::Guardrail;
use crate::template::Template;

/// Placeholders for the account and region of the requests the report evaluates.
const ACCOUNT: &str = "111122223333";
const REGION: &str = "us-east-1";

/// One SageMaker workload of a template.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadInfo {
    /// Its logical ID.
    pub id: String,
    /// `notebook instance`, `Studio domain` or `user profile`.
    pub kind: &'static str,
    /// The subnets it has network interfaces in, as written (`!Ref SubnetId`).
    pub subnets: Vec<String>,
    /// Its security groups, as written.
    pub groups: Vec<String>,
    /// The interface endpoints of the template its groups reach on TCP 443.
    pub reaches: Vec<String>,
    /// Its settings that keep it private, as `name: value`.
    pub settings: Vec<String>,
    /// What the network's guardrail decides about the request that creates it.
    pub guardrail: Option<GuardrailDecision>,
}

/// A decision of the guardrail on one request.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardrailDecision {
    /// The request, in words.
    pub request: String,
    /// `Allow` or `ExplicitDeny` (with the statement that denied).
    pub decision: String,
    /// Whether the guardrail lets it through.
    pub allowed: bool,
}

/// How a value reads as a token in the guardrail's requests: the logical ID a `Ref` or
/// `Fn::GetAtt` names, a literal as it is, anything else as the template writes it.
fn token(v: &Value) -> String {
    match (v.as_str(), ref_target(v)) {
        (Some(s), _) => s.to_string(),
        (None, Some(id)) => id.to_string(),
        _ => display(v),
    }
}

fn tokens(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().map(token).collect(),
        Some(v) => vec![token(v)],
        None => Vec::new(),
    }
}

fn shown(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().map(display).collect(),
        Some(v) => vec![display(v)],
        None => Vec::new(),
    }
}

/// The subnets and groups of the network's guardrail: those of a guardrail policy in the
/// template (a managed policy with the `DenyOutsideNetworkSubnets` statement), else every
/// subnet of the template (or, in a product, the subnets the workloads are given) and the
/// workloads' own groups.
fn guardrail_of(
    t: &Template,
    workloads: &[WorkloadInfo],
    raw: &[(Vec<String>, Vec<String>)],
) -> Option<Guardrail> {
    for (_, r) in t.resources_of_type("AWS::IAM::ManagedPolicy") {
        let statements = r
            .properties
            .get("PolicyDocument")
            .and_then(|d| d["Statement"].as_array());
        let find = |sid: &str| {
            statements?.iter().find(|s| s["Sid"] == sid).map(|s| {
                let cond = &s["Condition"]["ForAnyValue:StringNotEquals"];
                cond.as_object()
                    .and_then(|m| m.values().next())
                    .map(|v| tokens(Some(v)))
                    .unwrap_or_default()
            })
        };
        if let (Some(subnets), Some(groups)) = (
            find("DenyOutsideNetworkSubnets"),
            find("DenyOtherSecurityGroups"),
        ) {
            return Guardrail::new(subnets, groups).ok();
        }
    }
    let mut subnets: Vec<String> = t
        .resources_of_type("AWS::EC2::Subnet")
        .map(|(id, _)| id.to_string())
        .collect();
    if subnets.is_empty() {
        subnets = raw.iter().flat_map(|(s, _)| s.clone()).collect();
    }
    let mut groups: Vec<String> = raw.iter().flat_map(|(_, g)| g.clone()).collect();
    groups.dedup();
    if workloads.is_empty() {
        return None;
    }
    Guardrail::new(subnets, groups).ok()
}

/// The SageMaker workloads of a template, and the guardrail's decisions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkloadReport {
    /// Each workload and its place in the network.
    pub workloads: Vec<WorkloadInfo>,
    /// What the network's guardrail decides about typical requests: the table a reviewer
    /// reads to see that "inside the network" is enforced.
    pub guardrail_table: Vec<GuardrailDecision>,
}

/// Typical requests a data scientist might make, in words, and the keys they carry beyond the
/// network's first subnet and group (`None` leaves a key out; `Some(None)` too).
type Typical = (
    &'static str,
    &'static str,
    &'static [(&'static str, Option<&'static str>)],
);

const TYPICAL: [Typical; 10] = [
    (
        "a notebook in the network, private and encrypted",
        "CreateNotebookInstance",
        &[
            ("sagemaker:DirectInternetAccess", Some("Disabled")),
            ("sagemaker:RootAccess", Some("Disabled")),
            ("sagemaker:VolumeKmsKey", Some("key")),
            ("subnets", Some("network")),
            ("groups", Some("network")),
        ],
    ),
    (
        "a notebook with direct internet access",
        "CreateNotebookInstance",
        &[
            ("sagemaker:DirectInternetAccess", Some("Enabled")),
            ("sagemaker:RootAccess", Some("Disabled")),
            ("sagemaker:VolumeKmsKey", Some("key")),
            ("subnets", Some("network")),
            ("groups", Some("network")),
        ],
    ),
    (
        "a notebook with root access",
        "CreateNotebookInstance",
        &[
            ("sagemaker:DirectInternetAccess", Some("Disabled")),
            ("sagemaker:RootAccess", Some("Enabled")),
            ("sagemaker:VolumeKmsKey", Some("key")),
            ("subnets", Some("network")),
            ("groups", Some("network")),
        ],
    ),
    (
        "a notebook outside any VPC",
        "CreateNotebookInstance",
        &[
            ("sagemaker:DirectInternetAccess", Some("Disabled")),
            ("sagemaker:RootAccess", Some("Disabled")),
            ("sagemaker:VolumeKmsKey", Some("key")),
        ],
    ),
    (
        "a notebook without a volume KMS key",
        "CreateNotebookInstance",
        &[
            ("sagemaker:DirectInternetAccess", Some("Disabled")),
            ("sagemaker:RootAccess", Some("Disabled")),
            ("subnets", Some("network")),
            ("groups", Some("network")),
        ],
    ),
    (
        "a Studio domain with public internet access",
        "CreateDomain",
        &[
            ("sagemaker:AppNetworkAccessType", Some("PublicInternetOnly")),
            ("sagemaker:VolumeKmsKey", Some("key")),
            ("subnets", Some("network")),
            ("groups", Some("network")),
        ],
    ),
    (
        "a training job in the network, encrypted",
        "CreateTrainingJob",
        &[
            ("sagemaker:VolumeKmsKey", Some("key")),
            ("sagemaker:InterContainerTrafficEncryption", Some("true")),
            ("subnets", Some("network")),
            ("groups", Some("network")),
        ],
    ),
    (
        "a training job without VPC config",
        "CreateTrainingJob",
        &[
            ("sagemaker:VolumeKmsKey", Some("key")),
            ("sagemaker:InterContainerTrafficEncryption", Some("true")),
        ],
    ),
    (
        "a training job in another VPC's subnet",
        "CreateTrainingJob",
        &[
            ("sagemaker:VolumeKmsKey", Some("key")),
            ("sagemaker:InterContainerTrafficEncryption", Some("true")),
            ("subnets", Some("elsewhere")),
            ("groups", Some("network")),
        ],
    ),
    (
        "a processing job with unencrypted inter-container traffic",
        "CreateProcessingJob",
        &[
            ("sagemaker:VolumeKmsKey", Some("key")),
            ("sagemaker:InterContainerTrafficEncryption", Some("false")),
            ("subnets", Some("network")),
            ("groups", Some("network")),
        ],
    ),
];

fn typical_table(
    guard: &crate::iam::PolicyDocument,
    subnet: &str,
    group: &str,
) -> Vec<GuardrailDecision> {
    let mut out = Vec::new();
    for (what, action, keys) in TYPICAL {
        let mut r = Request::new(
            format!("sagemaker:{action}"),
            format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:x/y"),
        )
        .account(ACCOUNT)
        .region(REGION);
        for (key, value) in keys {
            let Some(value) = value else { continue };
            r = match (*key, *value) {
                ("subnets", "network") => r.context_values("sagemaker:VpcSubnets", [subnet]),
                ("subnets", _) => {
                    r.context_values("sagemaker:VpcSubnets", ["subnet-of-another-vpc"])
                }
                ("groups", _) => r.context_values("sagemaker:VpcSecurityGroupIds", [group]),
                (k, v) => r.context(k, v),
            };
        }
        if let Ok(d) = guard.evaluate(&r) {
            let denied = d.outcome() == Outcome::ExplicitDeny;
            out.push(GuardrailDecision {
                request: what.to_string(),
                decision: decided(&d),
                allowed: !denied,
            });
        }
    }
    out
}

fn decided(d: &crate::iam::Decision) -> String {
    match (d.outcome(), d.statement()) {
        (Outcome::ExplicitDeny, Some(s)) => format!("denied by {s}"),
        (Outcome::ExplicitDeny, None) => "denied".into(),
        _ => "not denied".into(),
    }
}

/// The SageMaker workloads of `t`, their place in its network, and the decisions of the
/// network's guardrail.
pub fn workloads(t: &Template) -> WorkloadReport {
    let reach = Reachability::of(t);
    let endpoints: Vec<String> = t
        .resources_of_type("AWS::EC2::VPCEndpoint")
        .filter(|(_, r)| {
            r.properties.get("VpcEndpointType").and_then(Value::as_str) == Some("Interface")
        })
        .map(|(id, _)| id.to_string())
        .collect();
    let mut out = Vec::new();
    let mut raw = Vec::new();
    let mut requests = Vec::new();
    for (id, r) in &t.resources {
        let p = &r.properties;
        let setting = |k: &str, default: &str| {
            format!(
                "{k}: {}",
                p.get(k)
                    .map(display)
                    .unwrap_or_else(|| format!("{default} (AWS's default)"))
            )
        };
        let (kind, subnets, groups, settings, action, resource) = match r.resource_type.as_str() {
            "AWS::SageMaker::NotebookInstance" => (
                "notebook instance",
                p.get("SubnetId"),
                p.get("SecurityGroupIds"),
                vec![
                    setting("DirectInternetAccess", "Enabled"),
                    setting("RootAccess", "Enabled"),
                    setting("KmsKeyId", "none"),
                ],
                "CreateNotebookInstance",
                "notebook-instance/x",
            ),
            "AWS::SageMaker::Domain" => (
                "Studio domain",
                p.get("SubnetIds"),
                p.get("DefaultUserSettings")
                    .and_then(|u| u.get("SecurityGroups")),
                vec![
                    setting("AppNetworkAccessType", "PublicInternetOnly"),
                    setting("AuthMode", "none"),
                    setting("KmsKeyId", "none"),
                ],
                "CreateDomain",
                "domain/x",
            ),
            "AWS::SageMaker::UserProfile" => (
                "user profile",
                None,
                p.get("UserSettings").and_then(|u| u.get("SecurityGroups")),
                vec![format!(
                    "DomainId: {}",
                    p.get("DomainId").map(display).unwrap_or_default()
                )],
                "CreateUserProfile",
                "user-profile/x/y",
            ),
            _ => continue,
        };
        let group_ids = tokens(groups);
        let reaches = endpoints
            .iter()
            .filter(|e| {
                group_ids.iter().any(|g| {
                    reach.can_reach(
                        &Party::Group(g.clone()),
                        &Party::Endpoint((*e).clone()),
                        443,
                    )
                })
            })
            .cloned()
            .collect();
        let mut request = Request::new(
            format!("sagemaker:{action}"),
            format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:{resource}"),
        )
        .account(ACCOUNT)
        .region(REGION);
        if subnets.is_some() {
            request = request.context_values("sagemaker:VpcSubnets", tokens(subnets));
        }
        if groups.is_some() {
            request = request.context_values("sagemaker:VpcSecurityGroupIds", group_ids.clone());
        }
        for (prop, key) in [
            ("DirectInternetAccess", "sagemaker:DirectInternetAccess"),
            ("RootAccess", "sagemaker:RootAccess"),
            ("AppNetworkAccessType", "sagemaker:AppNetworkAccessType"),
            ("KmsKeyId", "sagemaker:VolumeKmsKey"),
        ] {
            if let Some(v) = p.get(prop) {
                request = request.context(key, token(v));
            }
        }
        raw.push((tokens(subnets), group_ids));
        requests.push(request);
        out.push(WorkloadInfo {
            id: id.clone(),
            kind,
            subnets: shown(subnets),
            groups: shown(groups),
            reaches,
            settings,
            guardrail: None,
        });
    }
    let mut table = Vec::new();
    if let Some(guard) = guardrail_of(t, &out, &raw).and_then(|g| g.identity_policy().ok()) {
        for (w, request) in out.iter_mut().zip(requests) {
            if let Ok(d) = guard.evaluate(&request) {
                w.guardrail = Some(GuardrailDecision {
                    request: format!("{} as the template sets it", request.action()),
                    decision: decided(&d),
                    allowed: d.outcome() != Outcome::ExplicitDeny,
                });
            }
        }
        let first = |i: usize| {
            raw.iter()
                .find_map(|r| if i == 0 { r.0.first() } else { r.1.first() })
                .cloned()
        };
        if let (Some(subnet), Some(group)) = (first(0), first(1)) {
            table = typical_table(&guard, &subnet, &group);
        }
    }
    WorkloadReport {
        workloads: out,
        guardrail_table: table,
    }
}
