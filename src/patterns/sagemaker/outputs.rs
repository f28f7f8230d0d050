//! Outputs and SSM parameters that publish the IDs consumers need.

use super::Choices;
use super::parts::camel;

use crate::error::Result;
use crate::net::{EndpointRef, FlowLogRef, SecurityGroupRef, SubnetSelection, VpcRef};
use crate::template::{ConditionRef, Expr, Resource, Stack, StackOutput, TagFormat};

// The names of the outputs are spelled once, in the layer whose workload products take them.
pub(super) use crate::sagemaker::network_outputs::{
    ENDPOINT_SECURITY_GROUP_ID, ROUTE_TABLE_IDS, S3_ENDPOINT_ID, SUBNET_IDS, VPC_CIDR, VPC_ID,
    WORKLOAD_SECURITY_GROUP_ID, subnet_id,
};

/// The VPC product's output of the subnets the interface endpoints are in, when they are not
/// in every subnet: the endpoints product takes it instead of [`SUBNET_IDS`].
pub(super) const ENDPOINT_SUBNET_IDS: &str = "EndpointSubnetIds";

/// A list written as `Fn::Join`, leaving out the items of zones not created: one join per
/// zone count, chosen with the zone conditions (zone k exists only if zone k-1 does).
pub(super) fn joined(items: &[Expr], conditions: &[Option<ConditionRef>]) -> Expr {
    let condition = |i: usize| conditions.get(i).cloned().flatten();
    let join = |n: usize| Expr::Join(",".into(), items[..n].to_vec());
    let always = (0..items.len())
        .take_while(|i| condition(*i).is_none())
        .count();
    let mut out = join(always.max(1));
    for k in always.max(1)..items.len() {
        if let Some(cond) = condition(k) {
            out = cond.if_(join(k + 1), out);
        }
    }
    out
}

/// The VPC product's outputs: the VPC, its block, subnets, route tables and flow-log group.
pub(super) fn add_vpc_outputs(
    stack: &mut Stack,
    vpc: &VpcRef,
    flow_log: &FlowLogRef,
    choices: &Choices,
) -> Result<()> {
    StackOutput::new(VPC_ID, "The VPC", vpc.id())
        .export()
        .add_to(stack)?;
    if let Some(block) = vpc.cidr_expr() {
        StackOutput::new(VPC_CIDR, "The VPC's IPv4 block", block)
            .export()
            .add_to(stack)?;
    }
    for (i, s) in vpc.subnets().iter().enumerate() {
        let id = subnet_id(i + 1);
        let description = match s.cidr() {
            Some(block) => format!("Private subnet {} ({block})", i + 1),
            None => format!("Private subnet {}", i + 1),
        };
        match s.condition() {
            Some(cond) => StackOutput::new(&id, &description, s.subnet().ref_())
                .condition(cond)
                .export()
                .add_to(stack)?,
            None => StackOutput::new(&id, &description, s.subnet().ref_())
                .export()
                .add_to(stack)?,
        }
    }
    let subnets: Vec<Expr> = vpc.subnets().iter().map(|s| s.subnet().ref_()).collect();
    let tables: Vec<Expr> = vpc
        .subnets()
        .iter()
        .map(|s| s.route_table().ref_())
        .collect();
    StackOutput::new(
        SUBNET_IDS,
        "Every private subnet, comma separated",
        joined(&subnets, &choices.zone_conditions),
    )
    .export()
    .add_to(stack)?;
    StackOutput::new(
        ROUTE_TABLE_IDS,
        "Every private route table, comma separated",
        joined(&tables, &choices.zone_conditions),
    )
    .export()
    .add_to(stack)?;
    StackOutput::new(
        "FlowLogGroupName",
        "The log group that holds the VPC flow logs",
        flow_log.log_group.ref_(),
    )
    .add_to(stack)?;
    Ok(())
}

/// The VPC product's output of the subnets `selection` picks for the interface endpoints.
pub(super) fn add_endpoint_subnets_output(
    stack: &mut Stack,
    construct: &str,
    vpc: &VpcRef,
    selection: &SubnetSelection,
) -> Result<()> {
    let Some(chosen) = selection
        .subnets_of(vpc, construct)
        .map_err(|e| e.said_of(construct, "endpoint_subnets"))?
    else {
        return Ok(());
    };
    let subnets: Vec<Expr> = chosen.iter().map(|s| s.subnet().ref_()).collect();
    // The selected subnets are the first zones or named ones, so a zone's condition holds only
    // when the one before it holds, as `joined` needs.
    let conditions: Vec<Option<ConditionRef>> =
        chosen.iter().map(|s| s.condition().cloned()).collect();
    StackOutput::new(
        ENDPOINT_SUBNET_IDS,
        "The private subnets of the interface endpoints, comma separated",
        joined(&subnets, &conditions),
    )
    .export()
    .add_to(stack)
}

/// The security groups product's outputs.
pub(super) fn add_group_outputs(
    stack: &mut Stack,
    workloads: &SecurityGroupRef,
    endpoints: &SecurityGroupRef,
) -> Result<()> {
    StackOutput::new(
        WORKLOAD_SECURITY_GROUP_ID,
        "The security group for SageMaker notebooks, jobs and endpoints",
        workloads.id(),
    )
    .export()
    .add_to(stack)?;
    StackOutput::new(
        ENDPOINT_SECURITY_GROUP_ID,
        "The security group of the VPC interface endpoints",
        endpoints.id(),
    )
    .export()
    .add_to(stack)
}

/// The endpoints product's output.
pub(super) fn add_endpoint_outputs(stack: &mut Stack, s3: &EndpointRef) -> Result<()> {
    StackOutput::new(S3_ENDPOINT_ID, "The S3 gateway endpoint", s3.id())
        .export()
        .add_to(stack)
}

fn add_ssm(
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

fn add_ssm_list(
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

/// The VPC's SSM parameters under `prefix`: `vpc-id` and `subnet-ids`.
pub(super) fn add_vpc_ssm(
    stack: &mut Stack,
    construct: &str,
    prefix: &str,
    vpc: &VpcRef,
    choices: &Choices,
) -> Result<()> {
    add_ssm(stack, construct, prefix, "vpc-id", "The VPC's ID", vpc.id())?;
    add_ssm_list(stack, construct, prefix, vpc, choices)
}

/// The security groups' SSM parameters under `prefix`.
pub(super) fn add_group_ssm(
    stack: &mut Stack,
    construct: &str,
    prefix: &str,
    workloads: &SecurityGroupRef,
    endpoints: &SecurityGroupRef,
) -> Result<()> {
    add_ssm(
        stack,
        construct,
        prefix,
        "workload-security-group-id",
        "The SageMaker workload security group's ID",
        workloads.id(),
    )?;
    add_ssm(
        stack,
        construct,
        prefix,
        "endpoint-security-group-id",
        "The VPC endpoints' security group's ID",
        endpoints.id(),
    )
}

/// The S3 gateway endpoint's SSM parameter under `prefix`.
pub(super) fn add_endpoint_ssm(
    stack: &mut Stack,
    construct: &str,
    prefix: &str,
    s3: &EndpointRef,
) -> Result<()> {
    add_ssm(
        stack,
        construct,
        prefix,
        "s3-endpoint-id",
        "The S3 gateway endpoint's ID",
        s3.id(),
    )
}
