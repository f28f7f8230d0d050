//! Public exposure beyond EC2 instances: every resource type whose properties put an address or
//! an endpoint on the internet, as data. AG-NET-009 covers instances and launch templates; the
//! (and launch configurations, in `compute.rs`); the rows here cover tasks, databases, load balancers, clusters and service endpoints.
//!
//! Each row says where the property is (a path; `*` walks every item of a list), which value
//! makes the resource public, and whether leaving it out does (CloudFormation's default).
//! Both branches of an `Fn::If` count: a review overstates rather than hides.

use serde_json::Value;

use super::{Ctx, PUB_DATABASE, PUB_ENDPOINT, PUB_IP, Rule};
use crate::analysis::model::{branches, truthy};

/// What value of the property makes the resource public.
#[derive(Debug, Clone, Copy)]
enum Public {
    /// `true` (or `"true"`); absent is public when `default` is.
    True { default: bool },
    /// This word, in any case; absent is public when `default` is.
    Is { word: &'static str, default: bool },
    /// The property is absent (e.g. a search domain without `VPCOptions`).
    Absent,
    /// The property is present and not empty.
    Present,
    /// The property (a list) does not hold this word; absent is public.
    Lacks(&'static str),
}

struct Exposure {
    resource_type: &'static str,
    rule: &'static Rule,
    path: &'static [&'static str],
    public: Public,
    /// What the resource does, said of it when it fires.
    what: &'static str,
}

const fn row(
    resource_type: &'static str,
    rule: &'static Rule,
    path: &'static [&'static str],
    public: Public,
    what: &'static str,
) -> Exposure {
    Exposure {
        resource_type,
        rule,
        path,
        public,
        what,
    }
}

const ENABLED: Public = Public::Is {
    word: "ENABLED",
    default: false,
};
const TRUE: Public = Public::True { default: false };

/// Every resource type airgap knows that can put something on the internet.
static EXPOSURES: &[Exposure] = &[
    row(
        "AWS::ECS::Service",
        PUB_IP,
        &[
            "NetworkConfiguration",
            "AwsvpcConfiguration",
            "AssignPublicIp",
        ],
        ENABLED,
        "sets AssignPublicIp: ENABLED, so its tasks get public addresses",
    ),
    row(
        "AWS::ECS::TaskSet",
        PUB_IP,
        &[
            "NetworkConfiguration",
            "AwsVpcConfiguration",
            "AssignPublicIp",
        ],
        ENABLED,
        "sets AssignPublicIp: ENABLED, so its tasks get public addresses",
    ),
    row(
        "AWS::Batch::JobDefinition",
        PUB_IP,
        &[
            "ContainerProperties",
            "NetworkConfiguration",
            "AssignPublicIp",
        ],
        ENABLED,
        "sets AssignPublicIp: ENABLED, so its Fargate jobs get public addresses",
    ),
    row(
        "AWS::Events::Rule",
        PUB_IP,
        &[
            "Targets",
            "*",
            "EcsParameters",
            "NetworkConfiguration",
            "AwsVpcConfiguration",
            "AssignPublicIp",
        ],
        ENABLED,
        "starts ECS tasks with AssignPublicIp: ENABLED, so they get public addresses",
    ),
    row(
        "AWS::Scheduler::Schedule",
        PUB_IP,
        &[
            "Target",
            "EcsParameters",
            "NetworkConfiguration",
            "AwsvpcConfiguration",
            "AssignPublicIp",
        ],
        ENABLED,
        "starts ECS tasks with AssignPublicIp: ENABLED, so they get public addresses",
    ),
    row(
        "AWS::EC2::SpotFleet",
        PUB_IP,
        &[
            "SpotFleetRequestConfigData",
            "LaunchSpecifications",
            "*",
            "NetworkInterfaces",
            "*",
            "AssociatePublicIpAddress",
        ],
        TRUE,
        "sets AssociatePublicIpAddress: true, so its instances get public addresses",
    ),
    row(
        "AWS::RDS::DBInstance",
        PUB_DATABASE,
        &["PubliclyAccessible"],
        TRUE,
        "sets PubliclyAccessible: true, so its endpoint resolves to a public address",
    ),
    row(
        "AWS::RDS::DBCluster",
        PUB_DATABASE,
        &["PubliclyAccessible"],
        TRUE,
        "sets PubliclyAccessible: true, so its endpoint resolves to a public address",
    ),
    row(
        "AWS::Redshift::Cluster",
        PUB_DATABASE,
        &["PubliclyAccessible"],
        TRUE,
        "sets PubliclyAccessible: true, so it can be reached from outside the VPC",
    ),
    row(
        "AWS::RedshiftServerless::Workgroup",
        PUB_DATABASE,
        &["PubliclyAccessible"],
        TRUE,
        "sets PubliclyAccessible: true, so it can be reached from outside the VPC",
    ),
    row(
        "AWS::DMS::ReplicationInstance",
        PUB_DATABASE,
        &["PubliclyAccessible"],
        Public::True { default: true },
        "is publicly accessible (PubliclyAccessible is true, or left out: its default is true)",
    ),
    row(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        PUB_ENDPOINT,
        &["Scheme"],
        Public::Is {
            word: "internet-facing",
            default: true,
        },
        "is internet-facing (Scheme internet-facing, or left out: that is the default)",
    ),
    row(
        "AWS::ElasticLoadBalancing::LoadBalancer",
        PUB_ENDPOINT,
        &["Scheme"],
        Public::Is {
            word: "internet-facing",
            default: true,
        },
        "is internet-facing (Scheme internet-facing, or left out: that is the default)",
    ),
    row(
        "AWS::EKS::Cluster",
        PUB_ENDPOINT,
        &["ResourcesVpcConfig", "EndpointPublicAccess"],
        Public::True { default: true },
        "has a public Kubernetes API endpoint (EndpointPublicAccess true, or left out: that is the default)",
    ),
    row(
        "AWS::OpenSearchService::Domain",
        PUB_ENDPOINT,
        &["VPCOptions"],
        Public::Absent,
        "has no VPCOptions, so its endpoint is public",
    ),
    row(
        "AWS::Elasticsearch::Domain",
        PUB_ENDPOINT,
        &["VPCOptions"],
        Public::Absent,
        "has no VPCOptions, so its endpoint is public",
    ),
    row(
        "AWS::Lambda::Url",
        PUB_ENDPOINT,
        &["AuthType"],
        Public::Is {
            word: "NONE",
            default: false,
        },
        "is a function URL with AuthType NONE: anyone on the internet can call the function",
    ),
    row(
        "AWS::ApiGateway::RestApi",
        PUB_ENDPOINT,
        &["EndpointConfiguration", "Types"],
        Public::Lacks("PRIVATE"),
        "is not a PRIVATE API (EDGE or REGIONAL, or left out: EDGE is the default), so it answers on the internet",
    ),
    row(
        "AWS::ApiGatewayV2::Api",
        PUB_ENDPOINT,
        &["DisableExecuteApiEndpoint"],
        Public::True { default: true }.invert(),
        "has its default execute-api endpoint on the internet (HTTP and WebSocket APIs have no private endpoint); set DisableExecuteApiEndpoint: true",
    ),
    row(
        "AWS::Transfer::Server",
        PUB_ENDPOINT,
        &["EndpointType"],
        Public::Is {
            word: "PUBLIC",
            default: true,
        },
        "has a PUBLIC endpoint (EndpointType PUBLIC, or left out: that is the default)",
    ),
    row(
        "AWS::Transfer::Server",
        PUB_ENDPOINT,
        &["EndpointDetails", "AddressAllocationIds"],
        Public::Present,
        "is a VPC endpoint with Elastic IPs (AddressAllocationIds), so it is internet-facing",
    ),
    row(
        "AWS::MSK::Cluster",
        PUB_ENDPOINT,
        &[
            "BrokerNodeGroupInfo",
            "ConnectivityInfo",
            "PublicAccess",
            "Type",
        ],
        Public::Is {
            word: "SERVICE_PROVIDED_EIPS",
            default: false,
        },
        "turns on public access to its brokers (PublicAccess SERVICE_PROVIDED_EIPS)",
    ),
    row(
        "AWS::AppRunner::Service",
        PUB_ENDPOINT,
        &[
            "NetworkConfiguration",
            "IngressConfiguration",
            "IsPubliclyAccessible",
        ],
        Public::True { default: true },
        "is publicly accessible (IsPubliclyAccessible true, or left out: that is the default)",
    ),
];

impl Public {
    /// The opposite of a boolean property: `DisableExecuteApiEndpoint` true is private.
    const fn invert(self) -> Public {
        match self {
            Public::True { default } => Public::Is {
                word: "false",
                default,
            },
            other => other,
        }
    }

    fn says_public(self, v: Option<&Value>) -> bool {
        let word = |w: &str| {
            v.and_then(|v| match v {
                Value::String(s) => Some(s.eq_ignore_ascii_case(w)),
                Value::Bool(b) => Some(b.to_string() == w),
                _ => None,
            })
        };
        match self {
            Public::True { default } => match v {
                None => default,
                some => truthy(some) == Some(true),
            },
            Public::Is { word: w, default } => match v {
                None => default,
                Some(_) => word(w) == Some(true),
            },
            Public::Absent => v.is_none_or(Value::is_null),
            Public::Present => v.is_some_and(|v| match v {
                Value::Array(a) => !a.is_empty(),
                Value::Null => false,
                _ => true,
            }),
            Public::Lacks(w) => match v {
                None => true,
                Some(Value::Array(items)) => !items.iter().any(|i| i.as_str() == Some(w)),
                Some(Value::String(s)) => s != w,
                // An intrinsic: not known here.
                Some(_) => false,
            },
        }
    }
}

/// The values at `path` under `v`: `None` where it is left out (its default applies), nothing
/// under an empty list.
fn walk<'a>(v: &'a Value, path: &[&str], out: &mut Vec<Option<&'a Value>>) {
    let Some((step, rest)) = path.split_first() else {
        out.push(Some(v));
        return;
    };
    for v in branches(v) {
        if *step == "*" {
            for item in v.as_array().into_iter().flatten() {
                walk(item, rest, out);
            }
            continue;
        }
        match v.get(*step) {
            Some(next) => {
                let values = branches(next);
                if values.is_empty() {
                    // `!Ref AWS::NoValue`: the property is left out.
                    if rest.is_empty() {
                        out.push(None);
                    }
                }
                for next in values {
                    walk(next, rest, out);
                }
            }
            // Left out, or an object on the way left out: the property takes its default.
            None => out.push(None),
        }
    }
}

pub(super) fn exposure(c: &mut Ctx) {
    let t = c.t;
    for (id, r) in &t.resources {
        for e in EXPOSURES
            .iter()
            .filter(|e| e.resource_type == r.resource_type)
        {
            if e.resource_type == "AWS::ElasticLoadBalancingV2::LoadBalancer"
                && r.properties.get("Type").and_then(Value::as_str) == Some("gateway")
            {
                // Gateway Load Balancers have no scheme: they sit behind endpoints.
                continue;
            }
            let properties = Value::Object(
                r.properties
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            );
            let mut values = Vec::new();
            walk(&properties, e.path, &mut values);
            if values.into_iter().any(|v| e.public.says_public(v)) {
                c.find(e.rule, id, e.what);
            }
        }
    }
}
