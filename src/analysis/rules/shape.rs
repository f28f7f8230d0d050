//! Properties the rules read, in the shape CloudFormation requires. A property of the wrong
//! shape (`SecurityGroupIngress` as one object instead of a list of them) would be skipped by
//! the rule that reads it, so a hole would pass unseen: it is a finding instead.
//!
//! The shapes are those of CloudFormation's resource schemas; intrinsic functions stand for
//! any shape (their value is known at launch), and both branches of an `Fn::If` are checked.

use serde_json::Value;

use super::{Ctx, TPL_SHAPE};
use crate::analysis::model::branches;
use crate::template::Intrinsic;

/// The shape a property must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A list whose items are objects (security group rules, network interfaces).
    ListOfObjects,
    /// A list (of IDs).
    List,
    /// An object.
    Object,
    /// A policy document: an object, or JSON text.
    Policy,
    /// A string, number or boolean.
    Scalar,
}

impl Shape {
    fn words(self) -> &'static str {
        match self {
            Shape::ListOfObjects => "a list of objects",
            Shape::List => "a list",
            Shape::Object => "an object",
            Shape::Policy => "a policy document (an object, or JSON text)",
            Shape::Scalar => "a single value",
        }
    }
}

/// (resource type, property path, shape): every property a rule reads.
static SHAPES: &[(&str, &[&str], Shape)] = &[
    (
        "AWS::EC2::SecurityGroup",
        &["SecurityGroupIngress"],
        Shape::ListOfObjects,
    ),
    (
        "AWS::EC2::SecurityGroup",
        &["SecurityGroupEgress"],
        Shape::ListOfObjects,
    ),
    (
        "AWS::EC2::SecurityGroup",
        &["SecurityGroupIngress", "*", "CidrIp"],
        Shape::Scalar,
    ),
    (
        "AWS::EC2::SecurityGroup",
        &["SecurityGroupIngress", "*", "CidrIpv6"],
        Shape::Scalar,
    ),
    (
        "AWS::EC2::SecurityGroup",
        &["SecurityGroupIngress", "*", "IpProtocol"],
        Shape::Scalar,
    ),
    (
        "AWS::EC2::SecurityGroup",
        &["SecurityGroupEgress", "*", "CidrIp"],
        Shape::Scalar,
    ),
    (
        "AWS::EC2::SecurityGroup",
        &["SecurityGroupEgress", "*", "CidrIpv6"],
        Shape::Scalar,
    ),
    (
        "AWS::EC2::SecurityGroup",
        &["SecurityGroupEgress", "*", "IpProtocol"],
        Shape::Scalar,
    ),
    (
        "AWS::EC2::SecurityGroupIngress",
        &["IpProtocol"],
        Shape::Scalar,
    ),
    (
        "AWS::EC2::SecurityGroupEgress",
        &["IpProtocol"],
        Shape::Scalar,
    ),
    ("AWS::EC2::VPC", &["CidrBlock"], Shape::Scalar),
    ("AWS::EC2::Subnet", &["CidrBlock"], Shape::Scalar),
    ("AWS::EC2::Route", &["RouteTableId"], Shape::Scalar),
    (
        "AWS::EC2::SubnetRouteTableAssociation",
        &["SubnetId"],
        Shape::Scalar,
    ),
    (
        "AWS::EC2::SubnetRouteTableAssociation",
        &["RouteTableId"],
        Shape::Scalar,
    ),
    ("AWS::EC2::VPCEndpoint", &["ServiceName"], Shape::Scalar),
    ("AWS::EC2::VPCEndpoint", &["VpcEndpointType"], Shape::Scalar),
    ("AWS::EC2::FlowLog", &["ResourceIds"], Shape::List),
    ("AWS::EC2::FlowLog", &["LogGroupName"], Shape::Scalar),
    ("AWS::Logs::LogGroup", &["RetentionInDays"], Shape::Scalar),
    (
        "AWS::SageMaker::NotebookInstance",
        &["SubnetId"],
        Shape::Scalar,
    ),
    (
        "AWS::SageMaker::NotebookInstance",
        &["KmsKeyId"],
        Shape::Scalar,
    ),
    ("AWS::SageMaker::Domain", &["VpcId"], Shape::Scalar),
    ("AWS::SageMaker::Model", &["VpcConfig"], Shape::Object),
    (
        "AWS::EC2::Instance",
        &["NetworkInterfaces", "*", "AssociatePublicIpAddress"],
        Shape::Scalar,
    ),
    ("AWS::EC2::SecurityGroupIngress", &["CidrIp"], Shape::Scalar),
    (
        "AWS::EC2::SecurityGroupIngress",
        &["CidrIpv6"],
        Shape::Scalar,
    ),
    ("AWS::EC2::SecurityGroupEgress", &["CidrIp"], Shape::Scalar),
    (
        "AWS::EC2::SecurityGroupEgress",
        &["CidrIpv6"],
        Shape::Scalar,
    ),
    ("AWS::EC2::Route", &["DestinationCidrBlock"], Shape::Scalar),
    (
        "AWS::EC2::Route",
        &["DestinationIpv6CidrBlock"],
        Shape::Scalar,
    ),
    ("AWS::EC2::Subnet", &["MapPublicIpOnLaunch"], Shape::Scalar),
    (
        "AWS::EC2::Instance",
        &["NetworkInterfaces"],
        Shape::ListOfObjects,
    ),
    (
        "AWS::EC2::LaunchTemplate",
        &["LaunchTemplateData"],
        Shape::Object,
    ),
    (
        "AWS::EC2::LaunchTemplate",
        &["LaunchTemplateData", "NetworkInterfaces"],
        Shape::ListOfObjects,
    ),
    ("AWS::EC2::VPCEndpoint", &["SubnetIds"], Shape::List),
    ("AWS::EC2::VPCEndpoint", &["SecurityGroupIds"], Shape::List),
    ("AWS::EC2::VPCEndpoint", &["RouteTableIds"], Shape::List),
    ("AWS::EC2::VPCEndpoint", &["PolicyDocument"], Shape::Policy),
    (
        "AWS::EC2::VPCEndpoint",
        &["PrivateDnsEnabled"],
        Shape::Scalar,
    ),
    ("AWS::EC2::FlowLog", &["ResourceId"], Shape::Scalar),
    (
        "AWS::SageMaker::NotebookInstance",
        &["DirectInternetAccess"],
        Shape::Scalar,
    ),
    (
        "AWS::SageMaker::NotebookInstance",
        &["RootAccess"],
        Shape::Scalar,
    ),
    (
        "AWS::SageMaker::Domain",
        &["AppNetworkAccessType"],
        Shape::Scalar,
    ),
    ("AWS::SageMaker::Domain", &["SubnetIds"], Shape::List),
    (
        "AWS::ECS::Service",
        &["NetworkConfiguration"],
        Shape::Object,
    ),
    (
        "AWS::ECS::Service",
        &["NetworkConfiguration", "AwsvpcConfiguration"],
        Shape::Object,
    ),
    (
        "AWS::ECS::Service",
        &[
            "NetworkConfiguration",
            "AwsvpcConfiguration",
            "AssignPublicIp",
        ],
        Shape::Scalar,
    ),
    (
        "AWS::ECS::TaskSet",
        &["NetworkConfiguration", "AwsVpcConfiguration"],
        Shape::Object,
    ),
    (
        "AWS::RDS::DBInstance",
        &["PubliclyAccessible"],
        Shape::Scalar,
    ),
    (
        "AWS::RDS::DBCluster",
        &["PubliclyAccessible"],
        Shape::Scalar,
    ),
    (
        "AWS::Redshift::Cluster",
        &["PubliclyAccessible"],
        Shape::Scalar,
    ),
    (
        "AWS::DMS::ReplicationInstance",
        &["PubliclyAccessible"],
        Shape::Scalar,
    ),
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        &["Scheme"],
        Shape::Scalar,
    ),
    ("AWS::EKS::Cluster", &["ResourcesVpcConfig"], Shape::Object),
    ("AWS::IAM::Role", &["Policies"], Shape::ListOfObjects),
    ("AWS::S3::BucketPolicy", &["PolicyDocument"], Shape::Policy),
];

/// What is wrong with `v` as `shape`, if anything.
fn wrong(v: &Value, shape: Shape) -> Option<String> {
    // A function's value is known at launch only; both branches of an `Fn::If` are checked.
    match Intrinsic::classify(v) {
        Some(Intrinsic::If {
            then, otherwise, ..
        }) => return wrong(then, shape).or_else(|| wrong(otherwise, shape)),
        Some(_) => return None,
        None => {}
    }
    let ok = match (shape, v) {
        (Shape::ListOfObjects, Value::Array(items)) => {
            return items.iter().enumerate().find_map(|(i, item)| {
                let item_ok = wrong(item, Shape::Object).is_none();
                (!item_ok).then(|| {
                    format!(
                        "item {} is {}, where an object is required",
                        i + 1,
                        crate::template::json_kind(item)
                    )
                })
            });
        }
        (Shape::List, Value::Array(_)) => true,
        (Shape::Object, Value::Object(_)) => true,
        (Shape::Policy, Value::Object(_) | Value::String(_)) => true,
        (Shape::Scalar, Value::String(_) | Value::Number(_) | Value::Bool(_)) => true,
        _ => false,
    };
    (!ok).then(|| {
        format!(
            "is {}, where CloudFormation requires {}",
            crate::template::json_kind(v),
            shape.words()
        )
    })
}

/// The values at `path` in a resource's properties: `*` walks every item of a list, both
/// branches of an `Fn::If` are followed, and what is absent (or null) is skipped.
fn at_path<'a>(
    properties: &'a indexmap::IndexMap<String, Value>,
    path: &[&str],
    out: &mut Vec<&'a Value>,
) {
    fn walk<'a>(v: &'a Value, path: &[&str], out: &mut Vec<&'a Value>) {
        let Some((step, rest)) = path.split_first() else {
            if !v.is_null() {
                out.push(v);
            }
            return;
        };
        for v in branches(v) {
            if *step == "*" {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .for_each(|item| walk(item, rest, out));
            } else if let Some(next) = v.get(*step) {
                walk(next, rest, out);
            }
        }
    }
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if let Some(v) = properties.get(*first) {
        walk(v, rest, out);
    }
}

pub(super) fn shapes(c: &mut Ctx) {
    let t = c.t;
    for (id, r) in &t.resources {
        for (_, path, shape) in SHAPES.iter().filter(|(ty, _, _)| *ty == r.resource_type) {
            let mut values = Vec::new();
            at_path(&r.properties, path, &mut values);
            for v in values {
                if let Some(problem) = wrong(v, *shape) {
                    c.find(
                        TPL_SHAPE,
                        id,
                        format!(
                            "{} {problem}, so the checks that read it cannot; fix its shape",
                            path.join(".").replace(".*.", "[].")
                        ),
                    );
                }
            }
        }
    }
}
