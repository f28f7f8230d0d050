//! Outputs and SSM parameters that publish the IDs consumers need.

use super::Choices;
use super::parts::camel;

use crate::error::Result;
use crate::net::{EndpointRef, FlowLogRef, SecurityGroupRef, VpcRef};
use crate::template::{Expr, Resource, Stack, TagFormat};

/// A list written as `Fn::Join`, leaving out the items of zones not created: one join per
/// zone count, chosen with the zone conditions (zone k exists only if zone k-1 does).
pub(super) fn joined(items: &[Expr], conditions: &[Option<String>]) -> Expr {
    let condition = |i: usize| conditions.get(i).cloned().flatten();
    let join = |n: usize| Expr::Join(",".into(), items[..n].to_vec());
    let always = (0..items.len())
        .take_while(|i| condition(*i).is_none())
        .count();
    let mut out = join(always.max(1));
    for k in always.max(1)..items.len() {
        if let Some(cond) = condition(k) {
            out = Expr::if_(cond, join(k + 1), out);
        }
    }
    out
}

pub(super) fn add_vpc_outputs(
    stack: &mut Stack,
    vpc: &VpcRef,
    flow_log: &FlowLogRef,
    choices: &Choices,
) -> Result<()> {
    stack.add_output("VpcId", "The VPC", vpc.id(), Some("VpcId"))?;
    if let Some(block) = vpc.cidr_expr() {
        stack.add_output("VpcCidr", "The VPC's IPv4 block", block, Some("VpcCidr"))?;
    }
    for (i, s) in vpc.subnets().iter().enumerate() {
        let id = format!("Subnet{}Id", i + 1);
        let description = match s.cidr() {
            Some(block) => format!("Private subnet {} ({block})", i + 1),
            None => format!("Private subnet {}", i + 1),
        };
        match s.condition() {
            Some(cond) => {
                stack.add_output_when(cond, &id, &description, s.subnet().ref_(), Some(&id))?
            }
            None => stack.add_output(&id, &description, s.subnet().ref_(), Some(&id))?,
        }
    }
    let subnets: Vec<Expr> = vpc.subnets().iter().map(|s| s.subnet().ref_()).collect();
    let tables: Vec<Expr> = vpc
        .subnets()
        .iter()
        .map(|s| s.route_table().ref_())
        .collect();
    stack.add_output(
        "SubnetIds",
        "Every private subnet, comma separated",
        joined(&subnets, &choices.zone_conditions),
        Some("SubnetIds"),
    )?;
    stack.add_output(
        "RouteTableIds",
        "Every private route table, comma separated",
        joined(&tables, &choices.zone_conditions),
        Some("RouteTableIds"),
    )?;
    stack.add_output(
        "FlowLogGroupName",
        "The log group that holds the VPC flow logs",
        flow_log.log_group.ref_(),
        None,
    )?;
    Ok(())
}

pub(super) fn add_group_outputs(
    stack: &mut Stack,
    workloads: &SecurityGroupRef,
    endpoints: &SecurityGroupRef,
) -> Result<()> {
    stack.add_output(
        "WorkloadSecurityGroupId",
        "The security group for SageMaker notebooks, jobs and endpoints",
        workloads.id(),
        Some("WorkloadSecurityGroupId"),
    )?;
    stack.add_output(
        "EndpointSecurityGroupId",
        "The security group of the VPC interface endpoints",
        endpoints.id(),
        Some("EndpointSecurityGroupId"),
    )
}

pub(super) fn add_endpoint_outputs(stack: &mut Stack, s3: &EndpointRef) -> Result<()> {
    stack.add_output(
        "S3EndpointId",
        "The S3 gateway endpoint",
        s3.id(),
        Some("S3EndpointId"),
    )
}

pub(super) fn add_ssm(
    stack: &mut Stack,
    construct: &str,
    prefix: &str,
    leaf: &str,
    description: &str,
    value: Expr,
) -> Result<()> {
    let id = format!("{}Parameter", camel(leaf));
    stack.add_resource_with_tags(
        id,
        construct,
        Resource::new("AWS::SSM::Parameter")
            .property("Name", Expr::sub(format!("{prefix}/{leaf}")).to_value())
            .property("Description", description)
            .property("Type", "String")
            .property("Value", value.to_value()),
        &format!("{leaf} parameter"),
        TagFormat::Map,
    )?;
    Ok(())
}

pub(super) fn add_ssm_list(
    stack: &mut Stack,
    construct: &str,
    prefix: &str,
    vpc: &VpcRef,
    choices: &Choices,
) -> Result<()> {
    let subnets: Vec<Expr> = vpc.subnets().iter().map(|s| s.subnet().ref_()).collect();
    stack.add_resource_with_tags(
        "SubnetIdsParameter",
        construct,
        Resource::new("AWS::SSM::Parameter")
            .property("Name", Expr::sub(format!("{prefix}/subnet-ids")).to_value())
            .property("Description", "The private subnets' IDs, comma separated")
            .property("Type", "StringList")
            .property(
                "Value",
                joined(&subnets, &choices.zone_conditions).to_value(),
            ),
        "subnet-ids parameter",
        TagFormat::Map,
    )?;
    Ok(())
}
