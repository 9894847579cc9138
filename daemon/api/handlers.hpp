// handlers.hpp: the resource handlers the route table points at, one group per resource file.
#pragma once

#include "api/call.hpp"

namespace csms::api::handlers {

// secrets.cpp
core::Result<http::Response> create_secret(ApiContext& context, const Call& call);
core::Result<http::Response> list_secrets(ApiContext& context, const Call& call);
core::Result<http::Response> show_secret(ApiContext& context, const Call& call);
core::Result<http::Response> update_secret(ApiContext& context, const Call& call);
core::Result<http::Response> delete_secret(ApiContext& context, const Call& call);

// secret_deletion.cpp
core::Result<http::Response> schedule_secret_deletion(ApiContext& context, const Call& call);
core::Result<http::Response> cancel_secret_deletion(ApiContext& context, const Call& call);

// secret_versions.cpp
core::Result<http::Response> create_secret_version(ApiContext& context, const Call& call);
core::Result<http::Response> list_secret_versions(ApiContext& context, const Call& call);
core::Result<http::Response> show_secret_version(ApiContext& context, const Call& call);
core::Result<http::Response> update_secret_version(ApiContext& context, const Call& call);

// secret_stages.cpp
core::Result<http::Response> create_secret_stage(ApiContext& context, const Call& call);
core::Result<http::Response> update_secret_stage(ApiContext& context, const Call& call);
core::Result<http::Response> show_secret_stage(ApiContext& context, const Call& call);
core::Result<http::Response> delete_secret_stage(ApiContext& context, const Call& call);

// secret_tags.cpp (tags of one secret, addressed by its id)
core::Result<http::Response> create_secret_tag(ApiContext& context, const Call& call);
core::Result<http::Response> delete_secret_tag(ApiContext& context, const Call& call);
core::Result<http::Response> list_secret_tags(ApiContext& context, const Call& call);
core::Result<http::Response> batch_secret_tags(ApiContext& context, const Call& call);

// resource_instances.cpp (the project's tags, secrets filtered by tag)
core::Result<http::Response> list_project_tags(ApiContext& context, const Call& call);
core::Result<http::Response> list_resource_instances(ApiContext& context, const Call& call);

// secret_backup.cpp
core::Result<http::Response> download_secret_blob(ApiContext& context, const Call& call);
core::Result<http::Response> upload_secret_blob(ApiContext& context, const Call& call);

// passwords.cpp
core::Result<http::Response> generate_random_password(ApiContext& context, const Call& call);

// batch_import.cpp
core::Result<http::Response> batch_import_secrets(ApiContext& context, const Call& call);

// cloud_only.cpp
core::Result<http::Response> grants_not_available(ApiContext& context, const Call& call);
core::Result<http::Response> users_not_available(ApiContext& context, const Call& call);
core::Result<http::Response> agencies_not_available(ApiContext& context, const Call& call);
core::Result<http::Response> function_templates_not_available(ApiContext& context, const Call& call);
core::Result<http::Response> check_secrets_not_available(ApiContext& context, const Call& call);
core::Result<http::Response> show_secrets_config(ApiContext& context, const Call& call);
core::Result<http::Response> update_secrets_config(ApiContext& context, const Call& call);

// iam_projects.cpp (IAM, not CSMS: lets an SDK without a project id find one)
core::Result<http::Response> keystone_list_projects(ApiContext& context, const Call& call);

// secret_events.cpp
core::Result<http::Response> create_secret_event(ApiContext& context, const Call& call);
core::Result<http::Response> list_secret_events(ApiContext& context, const Call& call);
core::Result<http::Response> show_secret_event(ApiContext& context, const Call& call);
core::Result<http::Response> update_secret_event(ApiContext& context, const Call& call);
core::Result<http::Response> delete_secret_event(ApiContext& context, const Call& call);

// notification_records.cpp
core::Result<http::Response> list_notification_records(ApiContext& context, const Call& call);

// secret_rotation.cpp
core::Result<http::Response> rotate_secret(ApiContext& context, const Call& call);
core::Result<http::Response> list_secret_tasks(ApiContext& context, const Call& call);

// credentials.cpp (admin API, docs/auth.md)
core::Result<http::Response> create_credential(ApiContext& context, const Call& call);
core::Result<http::Response> list_credentials(ApiContext& context, const Call& call);
core::Result<http::Response> revoke_credential(ApiContext& context, const Call& call);
core::Result<http::Response> whoami(ApiContext& context, const Call& call);

// master_key.cpp (admin API)
core::Result<http::Response> show_master_key(ApiContext& context, const Call& call);
core::Result<http::Response> rotate_master_key(ApiContext& context, const Call& call);

// vault_backup.cpp (admin API)
core::Result<http::Response> backup_vault(ApiContext& context, const Call& call);
// observability.cpp
core::Result<http::Response> healthz(ApiContext& context, const Call& call);
core::Result<http::Response> readyz(ApiContext& context, const Call& call);
core::Result<http::Response> scrape_metrics(ApiContext& context, const Call& call);

}  // namespace csms::api::handlers
