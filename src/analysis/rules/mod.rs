//! The rule set: stable IDs, a severity, a one-line rationale and a fix for each rule.

mod exposure;
mod shape;
mod suppress;

use suppress::suppression;
pub use suppress::{SuppressionFormat, SuppressionPolicy};

use std::fmt;

use indexmap::IndexMap;
use ipnet::IpNet;
use serde_json::{Value, json};

use super::cidr;
use super::model::{Network, branches, display, ref_target, resolve_str, truthy};
use super::policy::{has_condition, one_or_many, statements};
use super::reach::is_no_traffic_rule;
use crate::net::Service;
use crate::template::{Resource, Template};

mod compute;
mod egress;
mod identity;
mod policies;
mod sagemaker_network;
#[cfg(test)]
mod schema_paths;
mod storage;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The network is not private, or a control it depends on is missing: synthesis fails
    /// unless the rule is suppressed on that resource.
    Error,
    /// Works, but weaker than it should be.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What part of the network a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Paths to and from the internet.
    Internet,
    /// Security group rules.
    SecurityGroups,
    /// VPC endpoints.
    Endpoints,
    /// Flow logs.
    Logging,
    /// SageMaker resources.
    SageMaker,
    /// Policy documents.
    Policies,
    /// Keys and encryption of data at rest.
    Encryption,
    /// How the template is written: properties the checks cannot read.
    Template,
}

/// A check with a stable ID.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable ID, e.g. `AG-NET-001`: suppressions and CI configurations refer to it.
    pub id: &'static str,
    /// What part of the network it is about.
    pub category: Category,
    /// How bad a finding is.
    pub severity: Severity,
    /// Short title.
    pub title: &'static str,
    /// Why it matters, in one line.
    pub rationale: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $cat:ident, $sev:ident, $title:literal, $why:literal, $fix:literal;)*) => {
        $(const $name: &Rule = &Rule {
            id: $id,
            category: Category::$cat,
            severity: Severity::$sev,
            title: $title,
            rationale: $why,
            fix: $fix,
        };)*
        /// Every rule, in ID order.
        pub static RULES: &[&Rule] = &[$($name),*];
    };
}

rules! {
    NET_IGW = "AG-NET-001", Internet, Error, "Internet gateway",
        "an Internet Gateway (or its attachment) gives the VPC a path to and from the internet",
        "remove the InternetGateway and VPCGatewayAttachment; reach AWS services through VPC endpoints";
    NET_NAT = "AG-NET-002", Internet, Error, "NAT gateway",
        "a NAT gateway lets private subnets open connections to the internet",
        "remove the NatGateway and its routes; add VPC endpoints for the AWS services the workloads need";
    NET_EGRESS_ONLY = "AG-NET-003", Internet, Error, "Egress-only internet gateway",
        "an egress-only internet gateway sends IPv6 traffic to the internet",
        "remove the EgressOnlyInternetGateway and its ::/0 routes";
    NET_EIP = "AG-NET-004", Internet, Error, "Elastic IP address",
        "an Elastic IP makes something reachable from the internet",
        "remove the EIP (and EIPAssociation); private resources need no public address";
    NET_VPN = "AG-NET-005", Internet, Error, "VPN connection or gateway",
        "a VPN gateway or connection joins the VPC to networks outside AWS this template cannot vouch for",
        "remove the VPN resources, or suppress this rule with the reason the remote network is trusted";
    NET_TGW = "AG-NET-006", Internet, Error, "Transit gateway attachment",
        "a transit gateway attachment joins the VPC to other networks, possibly ones with internet access",
        "remove the attachment, or suppress this rule with the reason the attached networks are private";
    NET_DEFAULT_ROUTE = "AG-NET-007", Internet, Error, "Route to anywhere",
        "a route to 0.0.0.0/0 or ::/0 sends traffic out of the VPC to any address",
        "remove the route; private subnets need only the local route and gateway endpoint routes";
    NET_PUBLIC_SUBNET = "AG-NET-008", Internet, Error, "Subnet gives public IPs",
        "MapPublicIpOnLaunch gives every instance launched in the subnet a public address",
        "set MapPublicIpOnLaunch to false (or leave it out)";
    NET_PUBLIC_ENI = "AG-NET-009", Internet, Error, "Public IP on a network interface",
        "AssociatePublicIpAddress gives the instance (or every instance a launch configuration starts) a public address",
        "set AssociatePublicIpAddress to false (or leave it out)";
    NET_ZONES = "AG-NET-010", Internet, Warning, "Hard-coded availability zone",
        "a named zone such as ${AWS::Region}c does not exist in every region, so the template fails to launch there",
        "pick zones with !Select [i, !GetAZs ''] or take them as parameters";
    NET_OUTSIDE_SUBNETS = "AG-NET-011", Internet, Error, "Instances outside the template's subnets",
        "an instance without SubnetId (or an Auto Scaling group without VPCZoneIdentifier) launches in the default VPC, which has an Internet Gateway and public addresses",
        "set SubnetId (instances) or VPCZoneIdentifier (Auto Scaling groups) to private subnets";
    SG_OPEN_INGRESS = "AG-SG-001", SecurityGroups, Error, "Ingress from anywhere",
        "an ingress rule from 0.0.0.0/0 or ::/0 admits any address that can route to the group",
        "admit a security group or the VPC's block instead";
    SG_DEFAULT_EGRESS = "AG-SG-002", SecurityGroups, Error, "No explicit egress",
        "a group without egress rules gets CloudFormation's default, which allows all outbound traffic",
        "add egress rules for what the members must reach (e.g. 443 to the endpoints' group), or the no-traffic rule";
    SG_OPEN_EGRESS = "AG-SG-003", SecurityGroups, Error, "Egress to anywhere on all ports",
        "egress to 0.0.0.0/0 or ::/0 on every port lets members send anything anywhere a route leads",
        "allow only the ports and destinations the members need";
    SG_ALL_PROTOCOLS = "AG-SG-004", SecurityGroups, Error, "All-protocol rule between groups",
        "a rule for every protocol between groups admits far more than any service needs",
        "allow the one protocol and port range the service uses, or suppress with the reason";
    SG_DISPUTED_EGRESS = "AG-SG-005", SecurityGroups, Error, "Default egress may remain",
        "a group whose egress comes only from separate AWS::EC2::SecurityGroupEgress resources may keep the allow-all egress AWS adds at creation: AWS documents the resource as adding a rule, and reports differ on whether CloudFormation removes the default",
        "write the group's egress rules inline in its SecurityGroupEgress (the no-traffic rule if it must send nothing), which certainly replaces the default";
    EP_PRIVATE_DNS = "AG-EP-001", Endpoints, Error, "Interface endpoint without private DNS",
        "without private DNS, the service's public name resolves to public addresses and calls leave through whatever path exists",
        "set PrivateDnsEnabled: true (the VPC needs EnableDnsSupport and EnableDnsHostnames); endpoint services of your own are exempt";
    EP_GROUP = "AG-EP-002", Endpoints, Error, "Endpoint security group admits non-VPC sources",
        "an interface endpoint should answer only callers inside the VPC",
        "give the endpoint a security group whose ingress names groups or blocks inside the VPC only";
    EP_POLICY = "AG-EP-003", Endpoints, Error, "Endpoint policy allows everything",
        "an endpoint policy of * on * (or none, AWS's default) lets the endpoint reach any account's resources, a path for data to leave",
        "write a policy naming the actions and resources (or the account) the workloads need";
    EP_S3_ROUTES = "AG-EP-004", Endpoints, Error, "S3 gateway endpoint missing from a route table",
        "a private route table without the S3 gateway endpoint cannot reach S3 privately",
        "add the route table to the S3 gateway endpoint's RouteTableIds";
    LOG_FLOW = "AG-LOG-001", Logging, Error, "VPC without flow logs",
        "without flow logs nobody can tell afterwards what talked to what",
        "add an AWS::EC2::FlowLog for the VPC (TrafficType ALL)";
    LOG_RETENTION = "AG-LOG-002", Logging, Error, "Flow-log or SageMaker log group without retention",
        "a log group without RetentionInDays keeps logs forever, or is deleted with the stack when not retained",
        "set RetentionInDays on the log group that receives the flow logs or SageMaker's logs";
    LOG_TRAFFIC = "AG-LOG-003", Logging, Error, "Flow log does not record all traffic",
        "a REJECT-only flow log misses every accepted connection, which is what exfiltration is; an ACCEPT-only one misses the probing",
        "set TrafficType: ALL";
    LOG_GROUP_KMS = "AG-LOG-004", Logging, Error, "Flow-log or SageMaker log group without a KMS key",
        "without KmsKeyId the log data (who talked to whom, what the notebooks printed) is encrypted with a key no key policy of yours controls",
        "set KmsKeyId to a customer-managed key whose policy lets logs.<region>.amazonaws.com use it";
    LOG_GROUP_KMS_OTHER = "AG-LOG-005", Logging, Warning, "Log group without a KMS key",
        "without KmsKeyId the log data is encrypted with a key no key policy of yours controls",
        "set KmsKeyId to a customer-managed key whose policy lets logs.<region>.amazonaws.com use it";
    LOG_RETENTION_OTHER = "AG-LOG-006", Logging, Warning, "Log group without retention",
        "a log group without RetentionInDays keeps logs forever, or is deleted with the stack when not retained",
        "set RetentionInDays";
    SM_VPC = "AG-SM-001", SageMaker, Error, "SageMaker resource outside the VPC",
        "a SageMaker resource without VPC settings runs in a network AWS manages, with internet access",
        "set SubnetId and SecurityGroupIds (notebooks), VpcId and SubnetIds (domains), VpcConfig (models, clusters) or NetworkConfig.VpcConfig (jobs)";
    SM_INTERNET = "AG-SM-002", SageMaker, Error, "SageMaker direct internet access",
        "DirectInternetAccess Enabled / AppNetworkAccessType PublicInternetOnly (both the defaults) give the notebook a path to the internet",
        "set DirectInternetAccess: Disabled (notebooks) or AppNetworkAccessType: VpcOnly (domains)";
    SM_ROOT = "AG-SM-003", SageMaker, Error, "Notebook root access",
        "root access (the default) lets notebook users change the instance, its network settings and its agents",
        "set RootAccess: Disabled";
    SM_KMS = "AG-SM-004", SageMaker, Error, "SageMaker storage without a KMS key",
        "without its KMS key property the volume, store or output is encrypted with a key that no key policy of yours controls",
        "set the KMS key property the message names to a customer-managed key (instance types with local NVMe storage are exempt: SageMaker refuses a key for them)";
    IAM_NOT_SOURCE_VPCE = "AG-IAM-001", Policies, Error, "Allow with StringNotEquals aws:SourceVpce",
        "an Allow whose condition is 'not from this endpoint' grants access from everywhere else, the opposite of what is meant",
        "make it a Deny with StringNotEquals, or an Allow with StringEquals aws:SourceVpce";
    IAM_ANY_PRINCIPAL = "AG-IAM-002", Policies, Error, "Wildcard principal without conditions",
        "a resource policy that allows * without a condition grants access to every AWS account",
        "name the principals, or add a condition such as aws:PrincipalAccount or aws:SourceVpce";
    IAM_UNKNOWN_ACTION = "AG-IAM-003", Policies, Error, "Unknown or retired action",
        "an action no AWS service has, or one of a service AWS has retired, matches nothing: the Allow or Deny it was meant for does not happen",
        "spell the action as AWS does (the message names the nearest real one), or remove a retired one";
    IAM_SAGEMAKER_NETWORK = "AG-IAM-004", Policies, Error, "Identity policy lets SageMaker leave the network",
        "allowing SageMaker create actions without the VPC and internet-access condition keys lets the role create a notebook with direct internet access or a job outside the VPC, whatever the network says",
        "add conditions (sagemaker:VpcSubnets, sagemaker:DirectInternetAccess = Disabled, sagemaker:AppNetworkAccessType = VpcOnly) to the Allow, or a Deny when they are missing (Null: true)";
    IAM_PASS_ROLE = "AG-IAM-005", Policies, Error, "PassRole on every role",
        "iam:PassRole on every role without iam:PassedToService lets the holder hand any role, however powerful, to any service",
        "name the roles it may pass, or add a condition on iam:PassedToService (e.g. sagemaker.amazonaws.com)";
    IAM_NOT_ACTION = "AG-IAM-006", Policies, Error, "Allow with NotAction or NotResource",
        "an Allow with NotAction or NotResource grants everything but a list, including every action and resource AWS adds later",
        "list the actions and resources that are allowed";
    IAM_ADMIN = "AG-IAM-007", Policies, Error, "Administrator access",
        "an identity policy allowing * on * gives every permission, including those that change the network",
        "grant the actions the role needs";
    IAM_CONDITION_TYPE = "AG-IAM-008", Policies, Error, "Condition value of the wrong type",
        "a condition value its operator cannot read (NumericLessThan \"ten\", Bool \"yes\", IpAddress \"010.0.0.0/8\") makes a condition IAM Access Analyzer reports as an error and an evaluator cannot decide",
        "write numbers as integers or decimals, dates as ISO 8601 or epoch seconds, booleans as true or false, IP values in standard CIDR format";
    KMS_ROTATION = "AG-KMS-001", Encryption, Error, "KMS key without rotation",
        "a symmetric key without automatic rotation encrypts everything, for as long as it lives, under one key material; rotation (yearly by default) bounds how much data each protects",
        "set EnableKeyRotation: true";
    PUB_IP = "AG-PUB-001", Internet, Error, "Public IP on tasks or instances",
        "ECS tasks, Fargate jobs, Auto Scaling and Spot Fleet instances with public addresses are on the internet whatever the route tables say once a route exists",
        "set AssignPublicIp: DISABLED (or AssociatePublicIpAddress: false); reach AWS services through VPC endpoints";
    PUB_DATABASE = "AG-PUB-002", Internet, Error, "Publicly accessible database or replication instance",
        "PubliclyAccessible gives the database (or DMS instance) a public address and DNS name",
        "set PubliclyAccessible: false";
    PUB_ENDPOINT = "AG-PUB-003", Internet, Error, "Internet-facing endpoint",
        "a load balancer, API, cluster endpoint or service endpoint on the internet answers anyone who can reach it",
        "make it internal or private (Scheme: internal, EndpointPublicAccess: false, a PRIVATE API, VPCOptions, EndpointType VPC), or suppress with the reason it must be public";
    TPL_SHAPE = "AG-TPL-001", Template, Error, "Property of the wrong shape",
        "a property the checks read, given in a shape CloudFormation does not accept, would be skipped: a hole could pass unseen",
        "write the property in the shape CloudFormation's resource reference gives (e.g. SecurityGroupIngress as a list of rules)";
}

/// The rule with ID `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// One thing a rule found about one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: &'static Rule,
    /// The logical ID of the resource at fault.
    pub resource: String,
    /// What exactly is wrong with it.
    pub message: String,
    /// The reason given, when the rule is suppressed on the resource.
    pub suppressed: Option<String>,
    /// Why the suppression does not count, when the [`SuppressionPolicy`] of the check refuses
    /// it: the finding then blocks as if it were not suppressed.
    pub suppression_refused: Option<String>,
}

impl Finding {
    /// Whether this finding stops synthesis (or fails `airgap check`): error level, and not
    /// suppressed or suppressed in a way the check's policy does not honour.
    pub fn is_blocking(&self) -> bool {
        self.rule.severity == Severity::Error
            && (self.suppressed.is_none() || self.suppression_refused.is_some())
    }

    /// The finding as JSON (for machine-readable output).
    pub fn to_value(&self) -> Value {
        json!({
            "rule": self.rule.id,
            "severity": self.rule.severity.as_str(),
            "title": self.rule.title,
            "resource": self.resource,
            "message": self.message,
            "rationale": self.rule.rationale,
            "fix": self.rule.fix,
            "suppressed": self.suppressed,
            "suppression_honoured": self.suppressed.is_some() && self.suppression_refused.is_none(),
            "suppression_refused": self.suppression_refused,
        })
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} `{}`: {} (fix: {})",
            self.rule.severity, self.rule.id, self.resource, self.message, self.rule.fix
        )?;
        match (&self.suppressed, &self.suppression_refused) {
            (Some(reason), None) => write!(f, " [suppressed: {reason}]")?,
            (Some(reason), Some(why)) => {
                write!(
                    f,
                    " [suppressed in the template ({reason}), not honoured: {why}]"
                )?;
            }
            _ => {}
        }
        Ok(())
    }
}

struct Ctx<'a> {
    t: &'a Template,
    policy: &'a SuppressionPolicy,
    out: Vec<Finding>,
}

impl Ctx<'_> {
    fn find(&mut self, rule: &'static Rule, resource: &str, message: impl Into<String>) {
        let found = self
            .t
            .resources
            .get(resource)
            .and_then(|r| suppression(r, rule.id));
        let suppression_refused = found
            .as_ref()
            .and_then(|(reason, format)| self.policy.refusal(rule.id, *format, reason.as_deref()));
        self.out.push(Finding {
            rule,
            resource: resource.to_string(),
            message: message.into(),
            suppressed: found
                .map(|(reason, _)| reason.unwrap_or_else(|| "(no reason given)".into())),
            suppression_refused,
        });
    }
}

fn cidr_of(t: &Template, rule: &serde_json::Map<String, Value>) -> Option<String> {
    ["CidrIp", "CidrIpv6"]
        .iter()
        .find_map(|k| rule.get(*k))
        .and_then(|v| resolve_str(t, v))
}

fn is_anywhere(c: &str) -> bool {
    cidr::is_everywhere(c)
}

/// A block as a finding names it: as written, and what it means when that is not plain.
fn block_words(c: &str) -> String {
    match cidr::network(c) {
        Some(n) if n.to_string() != c => format!("{c} (that is {n}, every address)"),
        _ => c.to_string(),
    }
}

fn all_ports(rule: &serde_json::Map<String, Value>) -> bool {
    let proto = rule.get("IpProtocol").map(display).unwrap_or_default();
    if proto == "-1" || proto.eq_ignore_ascii_case("all") {
        return true;
    }
    let from = rule.get("FromPort").map(display).unwrap_or_default();
    let to = rule.get("ToPort").map(display).unwrap_or_default();
    (from == "0" || from == "-1") && (to == "65535" || to == "-1")
}

/// A security group rule of the template: the group or rule resource it is written in, the
/// group it belongs to, the rule, and whether it is egress.
type SgRule = (String, String, serde_json::Map<String, Value>, bool);

/// Security group rules of the template.
fn sg_rules(t: &Template) -> Vec<SgRule> {
    let mut out = Vec::new();
    for (id, r) in t.resources_of_type("AWS::EC2::SecurityGroup") {
        for (key, egress) in [
            ("SecurityGroupIngress", false),
            ("SecurityGroupEgress", true),
        ] {
            // Rules under an `Fn::If` (the list, or one rule) count in both branches.
            let lists = r.properties.get(key).map(branches).unwrap_or_default();
            for rule in lists
                .into_iter()
                .filter_map(Value::as_array)
                .flatten()
                .flat_map(branches)
            {
                if let Some(m) = rule.as_object() {
                    out.push((id.to_string(), id.to_string(), m.clone(), egress));
                }
            }
        }
    }
    for (kind, egress) in [
        ("AWS::EC2::SecurityGroupIngress", false),
        ("AWS::EC2::SecurityGroupEgress", true),
    ] {
        for (id, r) in t.resources_of_type(kind) {
            let m: serde_json::Map<String, Value> = r
                .properties
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let group = r
                .properties
                .get("GroupId")
                .and_then(ref_target)
                .unwrap_or(id)
                .to_string();
            out.push((id.to_string(), group, m, egress));
        }
    }
    out
}

fn internet(c: &mut Ctx, network: &Network) {
    let t = c.t;
    for (id, r) in &t.resources {
        let p = &r.properties;
        match r.resource_type.as_str() {
            "AWS::EC2::InternetGateway" => c.find(NET_IGW, id, "declares an Internet Gateway"),
            "AWS::EC2::VPCGatewayAttachment" => {
                if p.contains_key("InternetGatewayId") {
                    c.find(NET_IGW, id, "attaches an Internet Gateway to the VPC");
                }
                if p.contains_key("VpnGatewayId") {
                    c.find(NET_VPN, id, "attaches a VPN gateway to the VPC");
                }
            }
            "AWS::EC2::NatGateway" => c.find(NET_NAT, id, "declares a NAT gateway"),
            "AWS::EC2::EgressOnlyInternetGateway" => c.find(
                NET_EGRESS_ONLY,
                id,
                "declares an egress-only internet gateway",
            ),
            "AWS::EC2::EIP" | "AWS::EC2::EIPAssociation" => {
                c.find(NET_EIP, id, format!("declares an {}", r.resource_type))
            }
            "AWS::EC2::VPNGateway"
            | "AWS::EC2::VPNConnection"
            | "AWS::EC2::CustomerGateway"
            | "AWS::EC2::ClientVpnEndpoint" => {
                c.find(NET_VPN, id, format!("declares an {}", r.resource_type))
            }
            "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
                c.find(NET_TGW, id, "attaches the VPC to a transit gateway")
            }
            "AWS::EC2::Route" => {
                for key in ["DestinationCidrBlock", "DestinationIpv6CidrBlock"] {
                    if let Some(d) = p.get(key).and_then(|v| resolve_str(t, v))
                        && is_anywhere(&d)
                    {
                        let d = block_words(&d);
                        c.find(NET_DEFAULT_ROUTE, id, format!("routes {d} out of the VPC"));
                    }
                }
            }
            "AWS::EC2::Subnet" if truthy(p.get("MapPublicIpOnLaunch")) == Some(true) => {
                c.find(NET_PUBLIC_SUBNET, id, "sets MapPublicIpOnLaunch: true");
            }
            "AWS::EC2::Instance" | "AWS::EC2::LaunchTemplate" => {
                let interfaces = p.get("NetworkInterfaces").or_else(|| {
                    p.get("LaunchTemplateData")
                        .and_then(|d| d.get("NetworkInterfaces"))
                });
                if one_or_many(interfaces)
                    .iter()
                    .flat_map(|i| one_or_many(Some(i)))
                    .any(|i| truthy(i.get("AssociatePublicIpAddress")) == Some(true))
                {
                    c.find(
                        NET_PUBLIC_ENI,
                        id,
                        "sets AssociatePublicIpAddress: true on a network interface",
                    );
                }
            }
            _ => {}
        }
    }
    split_default_routes(c);
    for s in &network.subnets {
        if s.zone_hard_coded {
            c.find(NET_ZONES, &s.id, format!("is pinned to zone `{}`", s.zone));
        }
    }
}

/// Routes of one route table that together cover every address (`0.0.0.0/1` and
/// `128.0.0.0/1`): each is a route to anywhere, as much as `0.0.0.0/0` would be.
fn split_default_routes(c: &mut Ctx) {
    let t = c.t;
    let mut tables: IndexMap<String, Vec<(&str, IpNet)>> = IndexMap::new();
    for (id, r) in t.resources_of_type("AWS::EC2::Route") {
        let p = &r.properties;
        let Some(table) = p.get("RouteTableId").map(display) else {
            continue;
        };
        for key in ["DestinationCidrBlock", "DestinationIpv6CidrBlock"] {
            if let Some(net) = p
                .get(key)
                .and_then(|v| resolve_str(t, v))
                .and_then(|d| cidr::network(&d))
                .filter(|n| n.prefix_len() > 0)
            {
                tables.entry(table.clone()).or_default().push((id, net));
            }
        }
    }
    for (table, routes) in &tables {
        let nets: Vec<IpNet> = routes.iter().map(|(_, n)| *n).collect();
        let covering = cidr::covering_everything(&nets);
        for (id, net) in routes.iter().filter(|(_, n)| covering.contains(n)) {
            let all = covering
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            c.find(
                NET_DEFAULT_ROUTE,
                id,
                format!("routes {net}, which with the other routes of route table {table} ({all}) covers every address"),
            );
        }
    }
}

fn security_groups(c: &mut Ctx, rules: &[SgRule]) {
    let t = c.t;
    egress::default_egress(c);
    for (at, group, rule, egress) in rules {
        if is_no_traffic_rule(rule) {
            continue;
        }
        let cidr = cidr_of(t, rule);
        if !egress && let Some(c0) = cidr.as_deref().filter(|c0| is_anywhere(c0)) {
            let c0 = block_words(c0);
            c.find(SG_OPEN_INGRESS, at, format!("admits {c0} into `{group}`"));
        }
        if *egress
            && let Some(c0) = cidr.as_deref().filter(|c0| is_anywhere(c0))
            && all_ports(rule)
        {
            let c0 = block_words(c0);
            c.find(
                SG_OPEN_EGRESS,
                at,
                format!("lets `{group}` send to {c0} on all ports"),
            );
        }
        let peer_group = [
            "SourceSecurityGroupId",
            "DestinationSecurityGroupId",
            "SourceSecurityGroupName",
        ]
        .iter()
        .find_map(|k| rule.get(*k));
        let proto = rule.get("IpProtocol").map(display).unwrap_or_default();
        if let Some(peer) = peer_group
            && (proto == "-1" || proto.eq_ignore_ascii_case("all"))
        {
            c.find(
                SG_ALL_PROTOCOLS,
                at,
                format!(
                    "allows every protocol between `{group}` and `{}`",
                    display(peer)
                ),
            );
        }
    }
}

fn endpoints(c: &mut Ctx, network: &Network, rules: &[SgRule]) {
    let t = c.t;
    let vpc_net = |vpc: Option<&String>| -> Option<IpNet> {
        let r = t.resources.get(vpc?)?;
        cidr::network(&resolve_str(t, r.properties.get("CidrBlock")?)?)
    };
    for e in &network.endpoints {
        if e.is_interface() {
            if !e.private_dns && e.aws_service {
                c.find(
                    EP_PRIVATE_DNS,
                    &e.id,
                    format!("the {} endpoint has PrivateDnsEnabled off", e.service),
                );
            }
            if e.security_groups.is_empty() && !e.foreign_security_groups {
                c.find(
                    EP_GROUP,
                    &e.id,
                    "has no security group, so it gets the VPC's default group",
                );
            }
            let vpc = vpc_net(e.vpc.as_ref());
            for g in &e.security_groups {
                for (_, _, rule, _) in rules
                    .iter()
                    .filter(|(_, owner, _, egress)| owner == g && !egress)
                {
                    let outside = match cidr_of(t, rule).and_then(|s| cidr::network(&s)) {
                        Some(net) => vpc.is_none_or(|v| !v.contains(&net)),
                        None => false,
                    };
                    if outside {
                        c.find(
                            EP_GROUP,
                            &e.id,
                            format!(
                                "its group `{g}` admits {}, which is not inside the VPC",
                                cidr_of(t, rule).unwrap_or_default()
                            ),
                        );
                    }
                }
            }
        }
        let wide = match &e.policy {
            None => {
                // Services whose endpoints take no policy (SageMaker's notebook and Studio
                // endpoints) cannot do better; services outside the catalog are assumed to.
                let known = Service::by_id(&e.service).or_else(|| {
                    e.service
                        .strip_prefix("sagemaker.")
                        .and_then(Service::by_id)
                });
                e.aws_service && known.is_none_or(|s| s.supports_policy())
            }
            Some(doc) => statements(doc).iter().any(|s| {
                s.get("Effect").and_then(Value::as_str) == Some("Allow")
                    && one_or_many(s.get("Action"))
                        .iter()
                        .any(|a| a.as_str() == Some("*"))
                    && one_or_many(s.get("Resource"))
                        .iter()
                        .any(|r| r.as_str() == Some("*"))
                    && !has_condition(s)
            }),
        };
        if wide {
            let what = if e.policy.is_none() {
                "has no policy (AWS's default allows everything)"
            } else {
                "has a policy allowing * on * without conditions"
            };
            c.find(
                EP_POLICY,
                &e.id,
                format!("the {} endpoint {what}", e.service),
            );
        }
    }
    // Every route table that serves subnets of a VPC with an S3 gateway endpoint carries it.
    for e in network
        .endpoints
        .iter()
        .filter(|e| e.kind == "Gateway" && e.service == "s3")
    {
        for rt in &network.route_tables {
            if rt.vpc == e.vpc && !rt.subnets.is_empty() && !e.route_tables.contains(&rt.id) {
                let public = rt.routes.iter().any(|r| is_anywhere(&r.destination));
                if !public {
                    c.find(
                        EP_S3_ROUTES,
                        &rt.id,
                        format!("is not in the RouteTableIds of `{}`", e.id),
                    );
                }
            }
        }
    }
}

fn logging(c: &mut Ctx) {
    let t = c.t;
    let flow_logs: Vec<(&str, &Resource)> = t.resources_of_type("AWS::EC2::FlowLog").collect();
    for (vpc, _) in t.resources_of_type("AWS::EC2::VPC") {
        let logged = flow_logs.iter().any(|(_, f)| {
            f.properties.get("ResourceId").and_then(ref_target) == Some(vpc)
                || one_or_many(f.properties.get("ResourceIds"))
                    .iter()
                    .any(|r| ref_target(r) == Some(vpc))
        });
        if !logged {
            c.find(LOG_FLOW, vpc, "has no flow log");
        }
    }
}

fn sagemaker(c: &mut Ctx) {
    let t = c.t;
    for (id, r) in &t.resources {
        let p = &r.properties;
        let s = |k: &str| p.get(k).map(display);
        match r.resource_type.as_str() {
            "AWS::SageMaker::NotebookInstance" => {
                if !p.contains_key("SubnetId") {
                    c.find(SM_VPC, id, "has no SubnetId");
                }
                if s("DirectInternetAccess").as_deref() != Some("Disabled") {
                    c.find(
                        SM_INTERNET,
                        id,
                        "does not set DirectInternetAccess: Disabled",
                    );
                }
                if s("RootAccess").as_deref() != Some("Disabled") {
                    c.find(SM_ROOT, id, "does not set RootAccess: Disabled");
                }
            }
            "AWS::SageMaker::Domain" => {
                if !p.contains_key("VpcId") || !p.contains_key("SubnetIds") {
                    c.find(SM_VPC, id, "has no VpcId or SubnetIds");
                }
                if s("AppNetworkAccessType").as_deref() != Some("VpcOnly") {
                    c.find(
                        SM_INTERNET,
                        id,
                        "does not set AppNetworkAccessType: VpcOnly",
                    );
                }
            }
            // Network isolation cuts the containers off from every network, the VPC's included.
            "AWS::SageMaker::Model"
                if !p.contains_key("VpcConfig")
                    && truthy(p.get("EnableNetworkIsolation")) != Some(true) =>
            {
                c.find(SM_VPC, id, "has no VpcConfig");
            }
            _ => {}
        }
    }
}

/// Runs every rule over `t`, honouring every suppression the template holds (for templates the
/// caller wrote; see [`check_with`] for others). Findings come in rule order, then template
/// order; suppressed ones are included, with their reason.
///
/// ```
/// use airgap::analysis::check;
/// use airgap::template::Template;
/// let t = Template::from_yaml(
///     "Resources:\n  Gateway:\n    Type: AWS::EC2::InternetGateway\n",
/// )?;
/// let findings = check(&t);
/// assert!(findings.iter().any(|f| f.is_blocking() && f.resource == "Gateway"));
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn check(t: &Template) -> Vec<Finding> {
    check_with(t, &SuppressionPolicy::trusted())
}

/// Runs every rule over `t`, honouring the template's suppressions only as far as `policy`
/// allows. Suppressions it refuses stay on their findings, marked, and those findings block.
///
/// ```
/// use airgap::analysis::{SuppressionPolicy, check_with};
/// use airgap::template::Template;
/// let t = Template::from_yaml(
///     "Resources:\n  Igw:\n    Type: AWS::EC2::InternetGateway\n    Metadata: {cfn-lint: {config: {ignore_checks: [AG-NET-001]}}}\n",
/// )?;
/// let f = &check_with(&t, &SuppressionPolicy::none())[0];
/// assert!(f.suppressed.is_some() && f.is_blocking());
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn check_with(t: &Template, policy: &SuppressionPolicy) -> Vec<Finding> {
    let mut c = Ctx {
        t,
        policy,
        out: Vec::new(),
    };
    // Read once for the checks that ask about them.
    let network = Network::of(t);
    let rules = sg_rules(t);
    internet(&mut c, &network);
    security_groups(&mut c, &rules);
    endpoints(&mut c, &network, &rules);
    logging(&mut c);
    sagemaker(&mut c);
    policies::policies(&mut c);
    compute::launch_configurations(&mut c);
    compute::outside_subnets(&mut c);
    storage::kms_keys(&mut c);
    storage::log_groups(&mut c);
    storage::flow_log_traffic(&mut c);
    storage::sagemaker_kms(&mut c);
    sagemaker_network::jobs_outside_the_vpc(&mut c);
    identity::identity_policies(&mut c);
    exposure::exposure(&mut c);
    shape::shapes(&mut c);
    let order = |f: &Finding| {
        RULES
            .iter()
            .position(|r| r.id == f.rule.id)
            .unwrap_or(usize::MAX)
    };
    let position = |f: &Finding| t.resources.get_index_of(&f.resource).unwrap_or(usize::MAX);
    c.out.sort_by_key(|f| (order(f), position(f)));
    c.out.dedup();
    c.out
}
