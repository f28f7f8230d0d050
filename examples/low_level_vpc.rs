//! The same kind of network built from the low-level constructs instead of the pattern, plus
//! what the pattern does not do: an endpoint to a shared service of your own (a PyPI mirror
//! behind PrivateLink, as in the reference architecture), named by a parameter.
//!
//! `cargo run --example low_level_vpc > stack.json`
use airgap::iam::{Arn, PolicyDocument, Statement};
use airgap::net::{
    FlowLog, GatewayEndpoint, InterfaceEndpoint, Port, SecurityGroup, Service, Vpc, allow,
    allow_default_port,
};
use airgap::template::{Parameter, Stack};

/// The template as JSON.
pub fn build() -> airgap::Result<String> {
    let mut stack =
        Stack::new("LowLevel").description("A private VPC built construct by construct");
    let vpc = Vpc::new("Lab")
        .cidr("10.2.0.0/16")
        .zones(3)
        .subnet_prefix(24)
        .add_to(&mut stack)?;

    let workloads = SecurityGroup::new("Notebooks", &vpc)
        .description("SageMaker notebooks")
        .add_to(&mut stack)?;
    let endpoints = SecurityGroup::new("Endpoints", &vpc)
        .description("AWS service endpoints: HTTPS from notebooks")
        .add_to(&mut stack)?;
    // One call per flow: the egress rule on the notebooks and the ingress rule on the endpoints.
    allow(&workloads, &endpoints, Port::HTTPS).add_to(&mut stack)?;
    let mirror_group = SecurityGroup::new("PyPI Mirror", &vpc)
        .description("The shared PyPI mirror: HTTP from notebooks")
        .add_to(&mut stack)?;

    GatewayEndpoint::s3(&vpc)
        .policy(
            PolicyDocument::new().statement(
                Statement::allow()
                    .sid("ReadAndWriteProjectBuckets")
                    .any_principal()
                    .actions(["s3:GetObject", "s3:PutObject", "s3:ListBucket"])
                    .resources([
                        Arn::s3_bucket("ds-data-bucket-*")?,
                        Arn::s3_objects("ds-data-bucket-*")?,
                    ]),
            ),
        )
        .add_to(&mut stack)?;
    for service in [
        Service::SAGEMAKER_API,
        Service::SAGEMAKER_RUNTIME,
        Service::STS,
        Service::LOGS,
    ] {
        InterfaceEndpoint::new(service, &vpc)
            .security_group(&endpoints)
            .add_to(&mut stack)?;
    }
    let mirror = stack.add_parameter(
        "PyPIMirrorEndpointServiceName",
        Parameter::string().description("Endpoint service name of the shared PyPI mirror"),
    )?;
    let mirror = InterfaceEndpoint::new(Service::custom(mirror).port(Port::HTTP), &vpc)
        .name("PyPI Mirror")
        .security_group(&mirror_group)
        .private_dns(false)
        .add_to(&mut stack)?;
    // The mirror listens on HTTP, so that is the port the flow to it opens.
    allow_default_port(&workloads, &mirror).add_to(&mut stack)?;
    FlowLog::new("Lab", &vpc).add_to(&mut stack)?;
    Ok(stack.synth()?.to_json_pretty().to_string())
}

fn main() {
    match build() {
        Ok(json) => print!("{json}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
