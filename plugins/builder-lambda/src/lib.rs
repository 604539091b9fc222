//! Dokku's `builder-lambda` core plugin: the `lambda` builder (AWS Lambda functions through `lambda-builder`), claiming a
//! source tree with a `lambda.yml` (at `lambdayml-path` if set). Its rules live in
//! `dokku_core::builder::file_builder`; its `builder-build` fails fast with what the
//! host lacks (`dokku_core::builder::unavailable_builder`).

dokku_plugin_common::file_builder_plugin! {
    /// The `builder-lambda` core plugin.
    BuilderLambda = "builder-lambda",
    spec: dokku_core::builder::file_builder::LAMBDA,
    commands: ["builder-lambda:report", "builder-lambda:set"],
}
