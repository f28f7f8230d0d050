//! The context of `templates/review.md.j2`: one typed section per heading of the report, each
//! made by a function of its own. The words are the template's; this file only gathers facts.

use serde::Serialize;

use super::{HOURS_PER_MONTH, ReportOptions};
use crate::analysis::{
    Category, Finding, Network, Party, ReachEntry, Reachability, check_with, describe_policy,
    workloads,
};
use crate::template::Template;

/// Everything `review.md.j2` reads. A field the template names but this struct lacks is an
/// error when rendering (strict undefined behaviour), never an empty cell.
#[derive(Debug, Serialize)]
pub(super) struct Review {
    title: String,
    summary: Summary,
    blocking: usize,
    parameters: Vec<ParameterRow>,
    zones: Vec<ZoneRows>,
    route_tables: Vec<RouteTableRow>,
    endpoints: Vec<EndpointRow>,
    workloads: Vec<WorkloadRow>,
    guardrail_table: Vec<GuardrailRow>,
    cost: Cost,
    matrix: Vec<ReachRow>,
    default_egress: Vec<String>,
    approximations: Vec<ApproximationRow>,
    findings: Vec<FindingRow>,
}

/// Whether the network is private, and the facts the summary's sentences are made of.
#[derive(Debug, Serialize)]
struct Summary {
    private: bool,
    /// The error-level internet findings, when the network is not private.
    exposing: Vec<Exposure>,
    /// Routes besides the local ones, in all route tables.
    routes: usize,
    /// Error-level security-group findings.
    group_findings: usize,
    interface_endpoints: usize,
    gateway_endpoints: usize,
}

#[derive(Debug, Serialize)]
struct Exposure {
    rule: &'static str,
    resource: String,
    message: String,
}

#[derive(Debug, Serialize)]
struct ParameterRow {
    id: String,
    #[serde(rename = "type")]
    parameter_type: String,
    /// The default as written, without the quotes of a JSON string.
    default: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Serialize)]
struct ZoneRows {
    zone: String,
    subnets: Vec<SubnetRow>,
}

#[derive(Debug, Serialize)]
struct SubnetRow {
    id: String,
    cidr: String,
    route_table: Option<String>,
}

#[derive(Debug, Serialize)]
struct RouteTableRow {
    id: String,
    subnets: Vec<String>,
    routes: Vec<RouteRow>,
    gateway_endpoints: Vec<String>,
}

#[derive(Debug, Serialize)]
struct RouteRow {
    destination: String,
    target: String,
}

#[derive(Debug, Serialize)]
struct EndpointRow {
    id: String,
    service: String,
    kind: String,
    /// Interface endpoints have private DNS, zones and security groups; gateways do not.
    interface: bool,
    private_dns: bool,
    zones: usize,
    groups: Vec<String>,
    /// The policy in plain words, one statement each.
    policy: Vec<String>,
}

#[derive(Debug, Serialize)]
struct WorkloadRow {
    id: String,
    kind: &'static str,
    subnets: Vec<String>,
    groups: Vec<String>,
    reaches: Vec<String>,
    settings: Vec<String>,
    guardrail: Option<GuardrailRow>,
}

#[derive(Debug, Serialize)]
struct GuardrailRow {
    request: String,
    decision: String,
    allowed: bool,
}

/// The monthly price of the interface endpoints, with the numbers of its sum.
#[derive(Debug, Serialize)]
struct Cost {
    interface_endpoints: usize,
    endpoint_zones: usize,
    hours: u32,
    /// As the caller gave it (`0.01`).
    hourly: String,
    /// In dollars and cents.
    monthly: String,
}

#[derive(Debug, Serialize)]
struct ReachRow {
    from: String,
    /// The sender is an address block reached through its addresses in the VPC only.
    from_inside_only: bool,
    to: String,
    to_inside_only: bool,
    allowed: String,
}

#[derive(Debug, Serialize)]
struct ApproximationRow {
    subject: String,
    text: String,
}

#[derive(Debug, Serialize)]
struct FindingRow {
    rule: &'static str,
    severity: &'static str,
    title: &'static str,
    resource: String,
    message: String,
    fix: &'static str,
    suppressed: Option<String>,
    suppression_refused: Option<String>,
}

impl Review {
    /// Gathers the report's facts about `t`.
    #[cfg(test)]
    pub(super) fn of(t: &Template, options: &ReportOptions) -> crate::error::Result<Review> {
        let network = Network::of(t);
        let reach = Reachability::of(t);
        let matrix = reach.matrix()?;
        Ok(Review::with(t, options, &network, &reach, &matrix))
    }

    /// [`Review::of`] from the network, reachability and matrix already read from `t`.
    pub(super) fn with(
        t: &Template,
        options: &ReportOptions,
        network: &Network,
        reach: &Reachability,
        matrix: &[ReachEntry],
    ) -> Review {
        let findings = check_with(t, &options.suppressions);
        let workload_report = workloads(t);
        Review {
            title: options
                .title
                .clone()
                .or_else(|| t.description.clone())
                .unwrap_or_else(|| "CloudFormation template".into()),
            summary: summary(network, &findings),
            blocking: findings.iter().filter(|f| f.is_blocking()).count(),
            parameters: parameters(t),
            zones: zones(network),
            route_tables: route_tables(network),
            endpoints: endpoints(network),
            workloads: workload_report
                .workloads
                .into_iter()
                .map(|w| WorkloadRow {
                    id: w.id,
                    kind: w.kind,
                    subnets: w.subnets,
                    groups: w.groups,
                    reaches: w.reaches,
                    settings: w.settings,
                    guardrail: w.guardrail.map(guardrail_row),
                })
                .collect(),
            guardrail_table: workload_report
                .guardrail_table
                .into_iter()
                .map(guardrail_row)
                .collect(),
            cost: cost(network, options.endpoint_hourly_usd),
            matrix: matrix_rows(reach, matrix),
            default_egress: reach
                .groups()
                .filter(|g| reach.has_default_egress(g))
                .map(str::to_string)
                .collect(),
            approximations: reach
                .approximations()
                .iter()
                .map(|a| ApproximationRow {
                    subject: a.subject.clone(),
                    text: a.text.clone(),
                })
                .collect(),
            findings: findings.into_iter().map(finding_row).collect(),
        }
    }
}

fn summary(network: &Network, findings: &[Finding]) -> Summary {
    let exposing: Vec<Exposure> = findings
        .iter()
        .filter(|f| f.is_blocking() && f.rule.category == Category::Internet)
        .map(|f| Exposure {
            rule: f.rule.id,
            resource: f.resource.clone(),
            message: f.message.clone(),
        })
        .collect();
    let interface_endpoints = network
        .endpoints
        .iter()
        .filter(|e| e.is_interface())
        .count();
    Summary {
        private: exposing.is_empty(),
        exposing,
        routes: network.route_tables.iter().map(|r| r.routes.len()).sum(),
        group_findings: findings
            .iter()
            .filter(|f| f.is_blocking() && f.rule.category == Category::SecurityGroups)
            .count(),
        interface_endpoints,
        gateway_endpoints: network.endpoints.len() - interface_endpoints,
    }
}

fn parameters(t: &Template) -> Vec<ParameterRow> {
    t.parameters
        .iter()
        .map(|(id, p)| ParameterRow {
            id: id.clone(),
            parameter_type: p.parameter_type.clone(),
            default: p
                .default
                .as_ref()
                .map(|d| d.to_string().trim_matches('"').to_string()),
            description: p.description.clone(),
        })
        .collect()
}

fn zones(network: &Network) -> Vec<ZoneRows> {
    network
        .subnets_by_zone()
        .into_iter()
        .map(|(zone, subnets)| ZoneRows {
            zone,
            subnets: subnets
                .iter()
                .map(|s| SubnetRow {
                    id: s.id.clone(),
                    cidr: s.cidr.clone(),
                    route_table: s.route_table.clone(),
                })
                .collect(),
        })
        .collect()
}

fn route_tables(network: &Network) -> Vec<RouteTableRow> {
    network
        .route_tables
        .iter()
        .map(|rt| RouteTableRow {
            id: rt.id.clone(),
            subnets: rt.subnets.clone(),
            routes: rt
                .routes
                .iter()
                .map(|r| RouteRow {
                    destination: r.destination.clone(),
                    target: r.target.clone(),
                })
                .collect(),
            gateway_endpoints: rt.gateway_endpoints.clone(),
        })
        .collect()
}

fn endpoints(network: &Network) -> Vec<EndpointRow> {
    network
        .endpoints
        .iter()
        .map(|e| EndpointRow {
            id: e.id.clone(),
            service: e.service.clone(),
            kind: e.kind.clone(),
            interface: e.is_interface(),
            private_dns: e.private_dns,
            zones: e.zones,
            groups: e.security_groups.clone(),
            policy: describe_policy(e.policy.as_deref()),
        })
        .collect()
}

fn guardrail_row(g: crate::analysis::GuardrailDecision) -> GuardrailRow {
    GuardrailRow {
        request: g.request,
        decision: g.decision,
        allowed: g.allowed,
    }
}

fn cost(network: &Network, hourly: f64) -> Cost {
    let interface = network.endpoints.iter().filter(|e| e.is_interface());
    let (count, endpoint_zones) = interface.fold((0, 0), |(n, z), e| (n + 1, z + e.zones));
    let monthly = endpoint_zones as f64 * f64::from(HOURS_PER_MONTH) * hourly;
    Cost {
        interface_endpoints: count,
        endpoint_zones,
        hours: HOURS_PER_MONTH,
        hourly: format!("{hourly}"),
        monthly: format!("{monthly:.2}"),
    }
}

fn matrix_rows(reach: &Reachability, matrix: &[ReachEntry]) -> Vec<ReachRow> {
    matrix
        .iter()
        .map(|e| ReachRow {
            from: e.from.to_string(),
            from_inside_only: inside_only(reach, &e.from),
            to: e.to.to_string(),
            to_inside_only: inside_only(reach, &e.to),
            allowed: e
                .allowed
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

fn inside_only(reach: &Reachability, p: &Party) -> bool {
    reach.inside_vpc_only(p)
}

fn finding_row(f: Finding) -> FindingRow {
    FindingRow {
        rule: f.rule.id,
        severity: f.rule.severity.as_str(),
        title: f.rule.title,
        resource: f.resource,
        message: f.message,
        fix: f.rule.fix,
        suppressed: f.suppressed,
        suppression_refused: f.suppression_refused,
    }
}
