//! The secure SageMaker network of the seed: `cargo run --example sagemaker_vpc > stack.json`.
use airgap::iam::{Arn, PolicyDocument, Statement};
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::template::Stack;

/// The template as JSON (the tests snapshot this very function).
pub fn build() -> airgap::Result<String> {
    let mut stack = Stack::new("SageMakerSecureNetwork")
        .description("Private network for Amazon SageMaker: no internet path, VPC endpoints with policies, flow logs")
        .tag("Project", "data-science");

    // Only read access to objects in my_secure_bucket; actions on other buckets are denied.
    let bucket_only = PolicyDocument::new().statement(
        Statement::allow()
            .sid("Access-to-specific-bucket-only")
            .any_principal()
            .action("s3:GetObject")
            .resources([
                Arn::s3_bucket("my_secure_bucket")?,
                Arn::s3_objects("my_secure_bucket")?,
            ]),
    );

    SecureSageMakerNetwork::new("DataScience")
        .cidr("10.0.0.0/16")
        .zones(3)
        .s3_policy(bucket_only)
        .add_to(&mut stack)?;

    let synth = stack.synth()?;
    for warning in synth.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(synth.to_json_pretty().to_string())
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
