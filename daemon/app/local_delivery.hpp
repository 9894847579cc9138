// local_delivery.hpp: the offline stand-ins for SMN and FunctionGraph: a loopback webhook and local commands.
#pragma once

#include "app/command_runner.hpp"
#include "domain/event_service.hpp"
#include "domain/rotation_service.hpp"
#include "http/webhook_client.hpp"

#include <chrono>
#include <filesystem>
#include <optional>

namespace csms::app {

/// Delivers a notification's content (JSON) to each configured channel: POST to the webhook, and/or the command's
/// stdin. With no channel configured the record itself is the notification and delivery succeeds.
class LocalNotificationSink final : public domain::NotificationSink {
 public:
  LocalNotificationSink(std::optional<http::LoopbackUrl> webhook, std::optional<std::filesystem::path> command,
                        std::chrono::milliseconds timeout)
      : webhook_(std::move(webhook)), command_(std::move(command)), timeout_(timeout) {}

  core::Status deliver(const core::NotificationRecord& record) override;

 private:
  std::optional<http::LoopbackUrl> webhook_;
  std::optional<std::filesystem::path> command_;
  std::chrono::milliseconds timeout_;
};

/// Runs --rotation-command with the request JSON on stdin; its stdout, less one trailing newline, is the new
/// secret_string. The output stays in wiped memory and is never logged.
class CommandRotationRunner final : public domain::RotationRunner {
 public:
  CommandRotationRunner(std::filesystem::path command, std::chrono::milliseconds timeout)
      : command_(std::move(command)), timeout_(timeout) {}

  core::Result<crypto::PlainValue> new_value(const std::string& request_json) override;

 private:
  std::filesystem::path command_;
  std::chrono::milliseconds timeout_;
};

}  // namespace csms::app
