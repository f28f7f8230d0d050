//! The network a template describes, read back from its resources: VPCs, subnets and their
//! zones, route tables, endpoints. Values that are only known at launch (a `Ref` to a
//! parameter, an import) are kept as a readable short form instead of being guessed.

use std::borrow::Cow;

use indexmap::IndexMap;
use serde_json::Value;

use crate::template::{Attribute, Intrinsic, Resource, Template, ref_name, sub_text};

pub(crate) use crate::template::ref_target;

/// A value as a person reads it in a template: literals as they are, intrinsics in the YAML
/// short form.
pub(crate) fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Object(m) => match Intrinsic::classify(v) {
            Some(Intrinsic::Ref(s)) => format!("!Ref {s}"),
            Some(Intrinsic::GetAtt {
                resource,
                attribute,
            }) => match attribute {
                Attribute::Name(a) => format!("!GetAtt {resource}.{a}"),
                Attribute::Computed(a) => format!("!GetAtt {resource}.{}", display(a)),
            },
            Some(Intrinsic::Sub { text, .. }) => text.to_string(),
            Some(Intrinsic::If { otherwise, .. }) => display(otherwise),
            Some(Intrinsic::ImportValue(a)) => format!("!ImportValue {}", display(a)),
            Some(Intrinsic::Select { index, list }) => {
                format!("!Select [{}, {}]", display(index), display(list))
            }
            Some(Intrinsic::GetAzs(_)) => "!GetAZs".into(),
            _ => match m.iter().next() {
                Some((k, a)) if m.len() == 1 => {
                    format!("{{{k}: {}}}", serde_json::to_string(a).unwrap_or_default())
                }
                _ => serde_json::to_string(v).unwrap_or_default(),
            },
        },
    }
}

/// A string the value certainly is at launch: a literal, or a `Ref` to a parameter with a
/// default (the value a launch with defaults gets).
pub(crate) fn resolve_str(t: &Template, v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        _ => {
            let p = t.parameters.get(ref_name(v)?)?;
            p.default.as_ref()?.as_str().map(str::to_string)
        }
    }
}

/// Like [`display`], but says which parameter default a value came from.
pub(crate) fn display_resolved(t: &Template, v: &Value) -> String {
    match (v, resolve_str(t, v)) {
        (Value::String(s), _) => s.clone(),
        (_, Some(r)) => format!("{r} (default of {})", display(v)),
        _ => display(v),
    }
}

/// The logical IDs named in a list of `Ref`s (or a single one), including both branches of an
/// `Fn::If` (a resource made under a condition is referred to that way).
pub(crate) fn ref_list(v: Option<&Value>) -> Vec<String> {
    fn collect(v: &Value, out: &mut Vec<String>) {
        if let Some(target) = ref_target(v) {
            if !target.starts_with("AWS::") {
                out.push(target.to_string());
            }
        } else if let Some(Intrinsic::If {
            then, otherwise, ..
        }) = Intrinsic::classify(v)
        {
            collect(then, out);
            collect(otherwise, out);
        } else if let Value::Array(items) = v {
            items.iter().for_each(|i| collect(i, out));
        }
    }
    let mut out = Vec::new();
    if let Some(v) = v {
        collect(v, &mut out);
    }
    out
}

/// The values `v` may take at launch: both branches of an `Fn::If` (recursively), nothing for
/// `!Ref AWS::NoValue`, `v` itself otherwise. Checks look at every branch: a review overstates
/// rather than hides.
pub(crate) fn branches(v: &Value) -> Vec<&Value> {
    match Intrinsic::classify(v) {
        Some(Intrinsic::If {
            then, otherwise, ..
        }) => {
            let mut out = branches(then);
            out.extend(branches(otherwise));
            out
        }
        Some(Intrinsic::Ref("AWS::NoValue")) => Vec::new(),
        _ => vec![v],
    }
}

/// A boolean property as CloudFormation reads it (`true`, `"true"`).
pub(crate) fn truthy(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A VPC of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcInfo {
    /// Logical ID.
    pub id: String,
    /// Its IPv4 block as written (or as its parameter's default).
    pub cidr: String,
}

/// A subnet of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetInfo {
    /// Logical ID.
    pub id: String,
    /// The VPC it is in, when the template says.
    pub vpc: Option<String>,
    /// Its IPv4 block as written.
    pub cidr: String,
    /// Its zone in words: `zone 1 of the region`, `${AWS::Region}a`, ...
    pub zone: String,
    /// Whether the zone is named rather than picked from the region's zones.
    pub zone_hard_coded: bool,
    /// The route table associated with it in the template.
    pub route_table: Option<String>,
}

/// A route of a route table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// Logical ID of the `AWS::EC2::Route`.
    pub id: String,
    /// Destination block, prefix list or `::/0`.
    pub destination: String,
    /// Where it sends traffic, e.g. `gateway !Ref Igw`.
    pub target: String,
}

/// A route table of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTableInfo {
    /// Logical ID.
    pub id: String,
    /// The VPC.
    pub vpc: Option<String>,
    /// Subnets associated with it.
    pub subnets: Vec<String>,
    /// Routes beyond the implicit local one.
    pub routes: Vec<RouteInfo>,
    /// Gateway endpoints (S3, DynamoDB) whose routes it carries.
    pub gateway_endpoints: Vec<String>,
}

/// A VPC endpoint of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointInfo<'t> {
    /// Logical ID.
    pub id: String,
    /// The service, short: `sagemaker.api`, `s3`, or the service name as written.
    pub service: String,
    /// Whether the service is an AWS service (`com.amazonaws.REGION.x`, `aws.sagemaker.REGION.x`)
    /// rather than a PrivateLink endpoint service of your own or a partner's, whose endpoints
    /// have neither AWS's private DNS names nor IAM-enforced endpoint policies.
    pub aws_service: bool,
    /// `Interface`, `Gateway` or `GatewayLoadBalancer` (CloudFormation's default is `Gateway`).
    pub kind: String,
    /// `PrivateDnsEnabled` (false when not set, CloudFormation's default).
    pub private_dns: bool,
    /// The VPC.
    pub vpc: Option<String>,
    /// Subnets its network interfaces are in (interface endpoints); the length of the list when
    /// it is not a list of `Ref`s is in `zones`.
    pub subnets: Vec<String>,
    /// How many zones it has network interfaces in: the length of `SubnetIds`.
    pub zones: usize,
    /// Its security groups (logical IDs in the template).
    pub security_groups: Vec<String>,
    /// Whether `SecurityGroupIds` names groups outside the template (imports, parameters).
    pub foreign_security_groups: bool,
    /// Route tables (gateway endpoints).
    pub route_tables: Vec<String>,
    /// The endpoint policy, borrowed from the template, or parsed where it was written as a
    /// JSON string; `None` means CloudFormation's default full-access policy.
    pub policy: Option<Cow<'t, Value>>,
}

impl EndpointInfo<'_> {
    /// Whether this is an interface endpoint.
    pub fn is_interface(&self) -> bool {
        self.kind == "Interface"
    }
}

/// The network of a template, read from its resources.
///
/// ```
/// use airgap::analysis::Network;
/// use airgap::template::Template;
/// let t = Template::from_yaml("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n")?;
/// assert_eq!(Network::of(&t).vpcs[0].cidr, "10.0.0.0/16");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Network<'t> {
    /// VPCs.
    pub vpcs: Vec<VpcInfo>,
    /// Subnets, in template order.
    pub subnets: Vec<SubnetInfo>,
    /// Route tables.
    pub route_tables: Vec<RouteTableInfo>,
    /// VPC endpoints.
    pub endpoints: Vec<EndpointInfo<'t>>,
}

fn props(r: &Resource) -> &IndexMap<String, Value> {
    &r.properties
}

/// The short name of an endpoint service: `com.amazonaws.${AWS::Region}.sagemaker.api` is
/// `sagemaker.api`.
pub(crate) fn service_short_name(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(no service)".into();
    };
    let s = display(v).replace("${AWS::Region}", "REGION");
    for prefix in ["cn.com.amazonaws.", "com.amazonaws."] {
        if let Some(rest) = s.strip_prefix(prefix)
            && let Some((_, service)) = rest.split_once('.')
        {
            return service.to_string();
        }
    }
    if let Some(rest) = s.strip_prefix("aws.sagemaker.")
        && let Some((_, service)) = rest.split_once('.')
    {
        return format!("sagemaker.{service}");
    }
    s
}

/// Whether an endpoint's service name is one of AWS's own services.
pub(crate) fn is_aws_service(v: Option<&Value>) -> bool {
    let Some(v) = v else { return false };
    let s = display(v);
    (s.starts_with("com.amazonaws.")
        || s.starts_with("cn.com.amazonaws.")
        || s.starts_with("aws.sagemaker."))
        && !s.contains(".vpce.")
}

/// A policy value as a JSON document: written inline (borrowed from `v`: the checks read every
/// policy of every synthesis, and need not copy them to read them), or as a JSON string
/// (possibly inside `Fn::Sub`, as hand-written templates often do).
pub(crate) fn policy_in(v: &Value) -> Option<Cow<'_, Value>> {
    match v {
        Value::Object(m) if m.contains_key("Statement") => Some(Cow::Borrowed(v)),
        Value::String(s) => serde_json::from_str(s).ok().map(Cow::Owned),
        _ => serde_json::from_str(sub_text(v)?).ok().map(Cow::Owned),
    }
}

fn zone(v: Option<&Value>) -> (String, bool) {
    let Some(v) = v else {
        return ("any zone (not set)".into(), false);
    };
    if let Some(Intrinsic::Select { index, list }) = Intrinsic::classify(v)
        && let Some(Intrinsic::GetAzs(_)) = Intrinsic::classify(list)
        && let Some(i) = index
            .as_u64()
            .or_else(|| index.as_str().and_then(|s| s.parse().ok()))
    {
        return (format!("zone {} of the region", i + 1), false);
    }
    match v {
        Value::String(s) => (s.clone(), true),
        _ if sub_text(v).is_some() => (display(v), true),
        _ => (display(v), false),
    }
}

impl<'t> Network<'t> {
    /// Reads the network of `t`.
    pub fn of(t: &'t Template) -> Network<'t> {
        let vpcs = t
            .resources_of_type("AWS::EC2::VPC")
            .map(|(id, r)| VpcInfo {
                id: id.to_string(),
                cidr: props(r)
                    .get("CidrBlock")
                    .map(|c| display_resolved(t, c))
                    .unwrap_or_else(|| "(from an IPAM pool)".into()),
            })
            .collect();
        let mut associations: IndexMap<String, String> = IndexMap::new();
        for (_, r) in t.resources_of_type("AWS::EC2::SubnetRouteTableAssociation") {
            if let (Some(s), Some(rt)) = (
                props(r).get("SubnetId").and_then(ref_target),
                props(r).get("RouteTableId").and_then(ref_target),
            ) {
                associations.insert(s.to_string(), rt.to_string());
            }
        }
        let subnets = t
            .resources_of_type("AWS::EC2::Subnet")
            .map(|(id, r)| {
                let (zone, zone_hard_coded) = zone(
                    props(r)
                        .get("AvailabilityZone")
                        .or_else(|| props(r).get("AvailabilityZoneId")),
                );
                SubnetInfo {
                    id: id.to_string(),
                    vpc: props(r)
                        .get("VpcId")
                        .and_then(ref_target)
                        .map(str::to_string),
                    cidr: props(r)
                        .get("CidrBlock")
                        .map(|c| display_resolved(t, c))
                        .unwrap_or_else(|| "(IPv6 only or from IPAM)".into()),
                    zone,
                    zone_hard_coded,
                    route_table: associations.get(id).cloned(),
                }
            })
            .collect();
        let endpoints: Vec<EndpointInfo<'t>> = t
            .resources_of_type("AWS::EC2::VPCEndpoint")
            .map(|(id, r)| {
                let p = props(r);
                let sg = p.get("SecurityGroupIds");
                let security_groups: Vec<String> = ref_list(sg)
                    .into_iter()
                    .filter(|g| t.resources.contains_key(g))
                    .collect();
                let listed = match sg {
                    Some(Value::Array(a)) => a.len(),
                    Some(_) => 1,
                    None => 0,
                };
                let subnets = ref_list(p.get("SubnetIds"));
                let zones = match p.get("SubnetIds") {
                    Some(Value::Array(a)) => a.len(),
                    _ => subnets.len(),
                };
                EndpointInfo {
                    id: id.to_string(),
                    service: service_short_name(p.get("ServiceName")),
                    aws_service: is_aws_service(p.get("ServiceName")),
                    kind: p
                        .get("VpcEndpointType")
                        .and_then(Value::as_str)
                        .unwrap_or("Gateway")
                        .to_string(),
                    private_dns: truthy(p.get("PrivateDnsEnabled")).unwrap_or(false),
                    vpc: p.get("VpcId").and_then(ref_target).map(str::to_string),
                    subnets,
                    zones,
                    foreign_security_groups: listed > security_groups.len(),
                    security_groups,
                    route_tables: ref_list(p.get("RouteTableIds")),
                    policy: p.get("PolicyDocument").and_then(policy_in),
                }
            })
            .collect();
        // Routes, associations and endpoints grouped by route table once, so a template of
        // thousands of route tables is read in linear time.
        let mut routes_of: IndexMap<&str, Vec<(&str, &Resource)>> = IndexMap::new();
        for (rid, route) in t.resources_of_type("AWS::EC2::Route") {
            if let Some(table) = props(route).get("RouteTableId").and_then(ref_target) {
                routes_of.entry(table).or_default().push((rid, route));
            }
        }
        let mut subnets_of: IndexMap<&str, Vec<String>> = IndexMap::new();
        for (s, rt) in &associations {
            subnets_of.entry(rt.as_str()).or_default().push(s.clone());
        }
        let mut endpoints_of: IndexMap<&str, Vec<String>> = IndexMap::new();
        for e in &endpoints {
            for rt in &e.route_tables {
                let list = endpoints_of.entry(rt.as_str()).or_default();
                if !list.contains(&e.id) {
                    list.push(e.id.clone());
                }
            }
        }
        let route_tables = t
            .resources_of_type("AWS::EC2::RouteTable")
            .map(|(id, r)| {
                let routes = routes_of
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(|&(rid, route)| {
                        let p = props(route);
                        let destination = [
                            "DestinationCidrBlock",
                            "DestinationIpv6CidrBlock",
                            "DestinationPrefixListId",
                        ]
                        .iter()
                        .find_map(|k| p.get(*k))
                        .map(|d| display_resolved(t, d))
                        .unwrap_or_else(|| "(none)".into());
                        let target = p
                            .iter()
                            .find(|(k, _)| {
                                k.as_str() != "RouteTableId" && !k.starts_with("Destination")
                            })
                            .map(|(k, v)| format!("{k} {}", display(v)))
                            .unwrap_or_else(|| "(none)".into());
                        RouteInfo {
                            id: rid.to_string(),
                            destination,
                            target,
                        }
                    })
                    .collect();
                RouteTableInfo {
                    id: id.to_string(),
                    vpc: props(r)
                        .get("VpcId")
                        .and_then(ref_target)
                        .map(str::to_string),
                    subnets: subnets_of.get(id).cloned().unwrap_or_default(),
                    routes,
                    gateway_endpoints: endpoints_of.get(id).cloned().unwrap_or_default(),
                }
            })
            .collect();
        Network {
            vpcs,
            subnets,
            route_tables,
            endpoints,
        }
    }

    /// The zones the subnets are in, in order of first appearance, each with its subnets.
    pub fn subnets_by_zone(&self) -> IndexMap<String, Vec<&SubnetInfo>> {
        let mut zones: IndexMap<String, Vec<&SubnetInfo>> = IndexMap::new();
        for s in &self.subnets {
            zones.entry(s.zone.clone()).or_default().push(s);
        }
        zones
    }
}
