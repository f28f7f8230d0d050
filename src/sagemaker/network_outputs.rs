//! The names the secure network publishes its IDs under, spelled once: the network (in
//! `patterns::sagemaker`) writes its outputs and exports with them, its split products and the
//! workload products take them as parameters of the same names, so a product launched after
//! another is fed by name.

/// The VPC's ID.
pub const VPC_ID: &str = "VpcId";
/// The VPC's IPv4 block.
pub const VPC_CIDR: &str = "VpcCidr";
/// Every private subnet, comma separated.
pub const SUBNET_IDS: &str = "SubnetIds";
/// Every private route table, comma separated.
pub const ROUTE_TABLE_IDS: &str = "RouteTableIds";
/// The group of the interface endpoints.
pub const ENDPOINT_SECURITY_GROUP_ID: &str = "EndpointSecurityGroupId";
/// The group of the workloads.
pub const WORKLOAD_SECURITY_GROUP_ID: &str = "WorkloadSecurityGroupId";
/// The S3 gateway endpoint.
pub const S3_ENDPOINT_ID: &str = "S3EndpointId";

/// The output of private subnet `n`, counted from 1: `Subnet1Id`, `Subnet2Id`, ...
///
/// ```
/// assert_eq!(airgap::sagemaker::network_outputs::subnet_id(2), "Subnet2Id");
/// ```
pub fn subnet_id(n: usize) -> String {
    format!("Subnet{n}Id")
}
