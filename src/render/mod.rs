//! Text rendered from the templates in `templates/` with minijinja (compiled into the library,
//! so rendering needs no files at run time): the publish script of a Service Catalog package
//! ([`publish`]), and, here, the Markdown review report of a template and its Mermaid diagram.
//!
//! ```
//! use airgap::render::{ReportOptions, review_report};
//! use airgap::template::Template;
//! let t = Template::from_yaml("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n")?;
//! let md = review_report(&t, &ReportOptions::default())?;
//! assert!(md.contains("**Private: yes.**"));
//! assert!(md.contains("```mermaid"));
//! # Ok::<(), airgap::Error>(())
//! ```

pub mod diff;
pub mod publish;
pub mod sarif;

use std::collections::HashSet;

use minijinja::Environment;
use serde_json::{Value, json};

use crate::analysis::{
    Category, Network, Party, Reachability, Severity, SuppressionPolicy, check_with,
    describe_policy,
};
use crate::error::{Error, Result};
use crate::template::Template;

/// What an interface endpoint costs per zone and hour, in US dollars, when the caller gives no
/// price: the us-east-1 list price of AWS PrivateLink interface endpoints (data processing,
/// $0.01 per GB, is not included). Prices differ by region; pass yours in
/// [`ReportOptions::endpoint_hourly_usd`].
pub const DEFAULT_ENDPOINT_HOURLY_USD: f64 = 0.01;

/// Hours in a month, as AWS's pricing calculator counts them.
pub const HOURS_PER_MONTH: u32 = 730;

const REVIEW: &str = include_str!("../../templates/review.md.j2");
const DIAGRAM: &str = include_str!("../../templates/diagram.mmd.j2");

/// Settings of the review report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// The report's title; the template's description (or "CloudFormation template") if unset.
    pub title: Option<String>,
    /// Price of one interface endpoint in one zone for one hour, in US dollars.
    pub endpoint_hourly_usd: f64,
    /// Which of the template's own suppressions count (all, by default: `airgap report` starts
    /// from none, as `airgap check` does).
    pub suppressions: SuppressionPolicy,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: None,
            endpoint_hourly_usd: DEFAULT_ENDPOINT_HOURLY_USD,
            suppressions: SuppressionPolicy::trusted(),
        }
    }
}

impl ReportOptions {
    /// Sets the title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets which of the template's own suppressions count.
    #[must_use]
    pub fn suppression_policy(mut self, policy: SuppressionPolicy) -> Self {
        self.suppressions = policy;
        self
    }

    /// Sets the hourly price of an interface endpoint per zone, in US dollars.
    #[must_use]
    pub fn endpoint_hourly_usd(mut self, price: f64) -> Self {
        self.endpoint_hourly_usd = price;
        self
    }
}

fn environment() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| Error::Render {
            template: "(syntax)",
            message: e.to_string(),
        })?;
    env.set_syntax(syntax);
    for (name, source) in [("review.md.j2", REVIEW), ("diagram.mmd.j2", DIAGRAM)] {
        env.add_template(name, source).map_err(|e| Error::Render {
            template: name,
            message: e.to_string(),
        })?;
    }
    Ok(env)
}

fn render(name: &'static str, context: &Value) -> Result<String> {
    let env = environment()?;
    let err = |e: minijinja::Error| Error::Render {
        template: name,
        message: e.to_string(),
    };
    let tmpl = env.get_template(name).map_err(err)?;
    tmpl.render(minijinja::Value::from(minijinja::value::Serde(context)))
        .map_err(err)
}

/// A Mermaid node ID: letters, digits and `_` only, prefixed so it never clashes with a
/// keyword such as `end`.
fn node_id(prefix: &str, logical_id: &str) -> String {
    let clean: String = logical_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}_{clean}")
}

/// Text inside a quoted Mermaid label.
fn label(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn party_node(p: &Party) -> String {
    match p {
        Party::Group(g) => node_id("sg", g),
        Party::Endpoint(e) => node_id("ep", e),
        Party::Cidr(c) => node_id("net", c),
        Party::PrefixList(pl) => node_id("pl", pl),
    }
}

fn diagram_context(t: &Template) -> Value {
    let network = Network::of(t);
    let reach = Reachability::of(t);
    let vpc_of = |id: &str| -> Option<String> {
        let v = t.resources.get(id)?.properties.get("VpcId")?;
        crate::template::ref_name(v).map(str::to_string)
    };
    let single_vpc = (network.vpcs.len() == 1).then(|| network.vpcs[0].id.clone());
    let home = |id: &str| vpc_of(id).or_else(|| single_vpc.clone());
    let groups: Vec<Value> = reach
        .groups()
        .map(|g| {
            let endpoints: Vec<Value> = network
                .endpoints
                .iter()
                .filter(|e| e.security_groups.first().map(String::as_str) == Some(g))
                .map(|e| json!({"node": node_id("ep", &e.id), "label": label(&format!("{} endpoint", e.service))}))
                .collect();
            json!({"node": node_id("sg", g), "label": label(&format!("security group {g}")), "endpoints": endpoints, "vpc": home(g)})
        })
        .collect();
    let loose_endpoints: Vec<Value> = network
        .endpoints
        .iter()
        .filter(|e| e.security_groups.is_empty())
        .map(|e| {
            let subnets: Vec<String> = network
                .subnets
                .iter()
                .filter(|s| {
                    s.route_table
                        .as_ref()
                        .is_some_and(|rt| e.route_tables.contains(rt))
                })
                .map(|s| node_id("subnet", &s.id))
                .collect();
            json!({
                "node": node_id("ep", &e.id),
                "label": label(&format!("{} {} endpoint", e.service, e.kind.to_lowercase())),
                "subnets": subnets,
                "vpc": e.vpc.clone().or_else(|| single_vpc.clone()),
            })
        })
        .collect();
    let vpcs: Vec<Value> = network
        .vpcs
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let zones: Vec<Value> = network
                .subnets_by_zone()
                .into_iter()
                .filter(|(_, subnets)| {
                    subnets
                        .iter()
                        .any(|s| s.vpc.as_deref() == Some(v.id.as_str()) || (i == 0 && s.vpc.is_none()))
                })
                .enumerate()
                .map(|(zi, (zone, subnets))| {
                    json!({
                        "node": node_id("zone", &format!("{}_{}", v.id, zi + 1)),
                        "label": label(&zone),
                        "subnets": subnets.iter().map(|s| json!({
                            "node": node_id("subnet", &s.id),
                            "label": label(&format!("{}<br/>{}", s.id, s.cidr)).replace("#lt;br/#gt;", "<br/>"),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({"id": v.id, "node": node_id("vpc", &v.id), "label": label(&format!("VPC {} {}", v.id, v.cidr)), "zones": zones})
        })
        .collect();
    let mut externals: Vec<Value> = Vec::new();
    let mut external_nodes: HashSet<String> = HashSet::new();
    let mut edges: Vec<Value> = Vec::new();
    for entry in reach.matrix() {
        // An endpoint sits inside its group's box: the arrow to the group says it all.
        if matches!(entry.to, Party::Endpoint(_)) || matches!(entry.from, Party::Endpoint(_)) {
            continue;
        }
        for p in [&entry.from, &entry.to] {
            if matches!(p, Party::Cidr(_) | Party::PrefixList(_)) {
                let node = party_node(p);
                if external_nodes.insert(node.clone()) {
                    externals.push(json!({"node": node, "label": label(&p.to_string())}));
                }
            }
        }
        let ports: Vec<String> = entry.allowed.iter().map(ToString::to_string).collect();
        edges.push(json!({
            "from": party_node(&entry.from),
            "to": party_node(&entry.to),
            "label": label(&ports.join(", ")),
        }));
    }
    json!({
        "vpcs": vpcs,
        "groups": groups,
        "loose_endpoints": loose_endpoints,
        "externals": externals,
        "edges": edges,
    })
}

/// The Mermaid flowchart of the network: VPCs, zones and subnets, security groups (holding the
/// interface endpoints that use them), gateway endpoints, and an arrow for each allowed flow
/// labelled with its protocols and ports.
///
/// ```
/// use airgap::render::mermaid_diagram;
/// use airgap::template::Template;
/// let t = Template::from_yaml("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n")?;
/// assert!(mermaid_diagram(&t)?.starts_with("flowchart LR"));
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn mermaid_diagram(t: &Template) -> Result<String> {
    render("diagram.mmd.j2", &diagram_context(t))
}

/// Makes every string fit in a Markdown table cell: one line, no unescaped `|`.
fn table_safe(v: &mut Value) {
    match v {
        Value::String(s) => {
            *s = s
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('|', "\\|");
        }
        Value::Array(items) => items.iter_mut().for_each(table_safe),
        Value::Object(m) => m.values_mut().for_each(table_safe),
        _ => {}
    }
}

fn usd(x: f64) -> String {
    format!("{x:.2}")
}

/// The Markdown review report of a template: summary (private or not, and why), parameters,
/// subnets by zone, route tables, endpoints and their policies in plain words, the monthly cost
/// of the interface endpoints, who can reach whom, the findings with their fixes, and the
/// Mermaid diagram.
///
/// ```
/// use airgap::render::{ReportOptions, review_report};
/// use airgap::template::Template;
/// let t = Template::from_yaml(
///     "Resources:\n  Gateway:\n    Type: AWS::EC2::InternetGateway\n",
/// )?;
/// let md = review_report(&t, &ReportOptions::default().title("Review"))?;
/// assert!(md.starts_with("# Network review: Review"));
/// assert!(md.contains("**Private: no.**"), "an internet gateway is a way out");
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn review_report(t: &Template, options: &ReportOptions) -> Result<String> {
    let network = Network::of(t);
    let reach = Reachability::of(t);
    let findings = check_with(t, &options.suppressions);
    let exposing: Vec<String> = findings
        .iter()
        .filter(|f| f.is_blocking() && f.rule.category == Category::Internet)
        .map(|f| format!("{} `{}`: {}", f.rule.id, f.resource, f.message))
        .collect();
    let private = exposing.is_empty();
    let why: Vec<String> = if private {
        let routes: usize = network.route_tables.iter().map(|r| r.routes.len()).sum();
        let interface = network
            .endpoints
            .iter()
            .filter(|e| e.is_interface())
            .count();
        let group_findings = findings
            .iter()
            .filter(|f| f.is_blocking() && f.rule.category == Category::SecurityGroups)
            .count();
        vec![
            "no Internet Gateway, NAT gateway, egress-only gateway, Elastic IP, VPN or transit gateway attachment".into(),
            if routes == 0 {
                "no route leaves the VPC: route tables hold only the local route and gateway endpoint routes".into()
            } else {
                format!("{routes} explicit route(s), none to 0.0.0.0/0 or ::/0")
            },
            "no subnet or network interface gives public IP addresses".into(),
            if group_findings == 0 {
                "no security group admits 0.0.0.0/0 or ::/0, and every group has explicit egress".into()
            } else {
                format!("but {group_findings} security group finding(s) loosen what the members may send or receive (see Findings)")
            },
            format!(
                "AWS services are reached through {interface} interface endpoint(s) and {} gateway endpoint(s)",
                network.endpoints.len() - interface
            ),
        ]
    } else {
        exposing
    };
    let blocking = findings.iter().filter(|f| f.is_blocking()).count();
    let parameters: Vec<Value> = t
        .parameters
        .iter()
        .map(|(id, p)| {
            json!({
                "id": id,
                "type": p.parameter_type,
                "default": p.default.as_ref().map(|d| d.to_string().trim_matches('"').to_string()),
                "description": p.description,
            })
        })
        .collect();
    let zones: Vec<Value> = network
        .subnets_by_zone()
        .into_iter()
        .map(|(zone, subnets)| {
            json!({
                "zone": zone,
                "subnets": subnets.iter().map(|s| json!({
                    "id": s.id, "cidr": s.cidr, "route_table": s.route_table,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let route_tables: Vec<Value> = network
        .route_tables
        .iter()
        .map(|rt| {
            json!({
                "id": rt.id,
                "subnets": rt.subnets,
                "routes": rt.routes.iter().map(|r| format!("{} → {}", r.destination, r.target)).collect::<Vec<_>>(),
                "gateway_endpoints": rt.gateway_endpoints,
            })
        })
        .collect();
    let endpoints: Vec<Value> = network
        .endpoints
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "service": e.service,
                "kind": e.kind,
                "private_dns": if e.is_interface() { if e.private_dns { "on" } else { "**off**" } } else { "n/a" },
                "zones": if e.is_interface() { e.zones.to_string() } else { "n/a".into() },
                "groups": e.security_groups,
                "policy": describe_policy(e.policy.as_ref()),
            })
        })
        .collect();
    let interface: Vec<_> = network
        .endpoints
        .iter()
        .filter(|e| e.is_interface())
        .collect();
    let endpoint_zones: usize = interface.iter().map(|e| e.zones).sum();
    let hourly = options.endpoint_hourly_usd;
    let monthly = endpoint_zones as f64 * f64::from(HOURS_PER_MONTH) * hourly;
    let matrix: Vec<Value> = reach
        .matrix()
        .into_iter()
        .map(|e| {
            let name = |p: &Party| {
                if reach.inside_vpc_only(p) {
                    format!("{p} (inside the VPC only)")
                } else {
                    p.to_string()
                }
            };
            json!({
                "from": name(&e.from),
                "to": name(&e.to),
                "allowed": e.allowed.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            })
        })
        .collect();
    let default_egress: Vec<&str> = reach
        .groups()
        .filter(|g| reach.has_default_egress(g))
        .collect();
    let approximations: Vec<Value> = reach
        .approximations()
        .iter()
        .map(|a| json!({"subject": a.subject, "text": a.text}))
        .collect();
    let findings: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule.id,
                "severity": f.rule.severity.as_str(),
                "blocking": f.is_blocking(),
                "title": f.rule.title,
                "resource": f.resource,
                "message": f.message,
                "rationale": f.rule.rationale,
                "fix": f.rule.fix,
                "suppressed": f.suppressed,
                "suppression_refused": f.suppression_refused,
            })
        })
        .collect();
    let workload_report = crate::analysis::workloads(t);
    let workload_rows: Vec<Value> = workload_report
        .workloads
        .iter()
        .map(|w| {
            json!({
                "id": w.id,
                "kind": w.kind,
                "subnets": w.subnets,
                "groups": w.groups,
                "reaches": w.reaches,
                "settings": w.settings,
                "guardrail": w.guardrail.as_ref().map(|g| json!({"decision": g.decision, "allowed": g.allowed})),
            })
        })
        .collect();
    let guardrail_table: Vec<Value> = workload_report
        .guardrail_table
        .iter()
        .map(|g| json!({"request": g.request, "decision": g.decision, "allowed": g.allowed}))
        .collect();
    let title = options
        .title
        .clone()
        .or_else(|| t.description.clone())
        .unwrap_or_else(|| "CloudFormation template".into());
    let mut context = json!({
        "title": title,
        "private": private,
        "why": why,
        "blocking": blocking,
        "errors": findings.iter().filter(|f| f["severity"] == Severity::Error.as_str()).count(),
        "parameters": parameters,
        "zones": zones,
        "route_tables": route_tables,
        "endpoints": endpoints,
        "cost": {
            "interface_endpoints": interface.len(),
            "endpoint_zones": endpoint_zones,
            "hours": HOURS_PER_MONTH,
            "hourly": format!("{hourly}"),
            "monthly": usd(monthly),
        },
        "matrix": matrix,
        "default_egress": default_egress,
        "approximations": approximations,
        "findings": findings,
        "workloads": workload_rows,
        "guardrail_table": guardrail_table,
    });
    table_safe(&mut context);
    context["diagram"] = Value::String(mermaid_diagram(t)?);
    render("review.md.j2", &context)
}
