//! The secure SageMaker network as an AWS Service Catalog product, in a portfolio ready to
//! upload: `cargo run --example service_catalog -- release` writes the folder `release/`
//! (add `--force` to replace it), then `release/publish.sh --help` says how to publish it.
use airgap::catalog::Release;
use airgap::catalog::package::WriteOptions;
use airgap::net::Service;
use airgap::patterns::portfolio::NetworkPortfolio;
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::template::Stack;

/// The network, described once: the seed's network as a product that asks at launch for the
/// project, environment, VPC block, zones and optional endpoints, with IDs in SSM.
fn network() -> SecureSageMakerNetwork {
    SecureSageMakerNetwork::new("DataScience")
        .read_bucket("my_secure_bucket")
        .optional_endpoint(Service::MONITORING)
        .optional_endpoint(Service::SSM)
        .ssm_parameters("/${ProjectName}/${EnvType}/network")
}

/// The portfolio: the whole network as one product and as three launched in order, who may
/// launch them, tag options.
pub fn release() -> airgap::Result<Release> {
    let base = Stack::new("SageMakerNetwork")
        .description("Private network for Amazon SageMaker, as a Service Catalog product")
        .export_prefix("${ProjectName}-${EnvType}");
    NetworkPortfolio::new(base, network())
        .support_email("ml-platform@example.com")
        .principal("DataScientists", "Data scientists' IAM role ARN")
        .principal("PlatformAdmins", "Platform administrators' IAM role ARN")
        .tag_option("CostCenter", "ml-research")
        .tag_option("CostCenter", "ml-production")
        .release()
}

fn main() {
    let mut out = std::path::PathBuf::from("release");
    let mut options = WriteOptions::default();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--force" => options.force = true,
            _ => out = arg.into(),
        }
    }
    let written = release().and_then(|r| airgap::render::publish::write_package(&out, &r, options));
    match written {
        Ok(summary) => {
            for (file, bytes) in &summary.files {
                println!("{bytes:>8}  {}", summary.dir.join(file).display());
            }
            println!("next: {}/publish.sh --help", summary.dir.display());
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
