// backup_document.cpp: the backup document writer and its bounds-checked reader.
#include "domain/backup_document.hpp"

#include <set>
#include <string>
#include <string_view>

namespace csms::domain {
namespace {

constexpr std::uint8_t kFormat = 2;
// Blobs written before tags were carried.
constexpr std::uint8_t kFormatWithoutTags = 1;

class Writer {
 public:
  void u8(std::uint8_t value) { out_.append(std::span<const std::uint8_t>(&value, 1)); }
  void u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) u8(static_cast<std::uint8_t>(value >> shift));
  }
  void i64(std::int64_t value) {
    const auto bits = static_cast<std::uint64_t>(value);
    for (int shift = 56; shift >= 0; shift -= 8) u8(static_cast<std::uint8_t>(bits >> shift));
  }
  void bytes(std::span<const std::uint8_t> data) {
    u32(static_cast<std::uint32_t>(data.size()));
    out_.append(data);
  }
  void text(std::string_view value) {
    bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
  }
  void opt_text(const std::optional<std::string>& value) {
    u8(value ? 1 : 0);
    if (value) text(*value);
  }
  void opt_i64(const std::optional<std::int64_t>& value) {
    u8(value ? 1 : 0);
    if (value) i64(*value);
  }
  core::SecureBuffer take() { return std::move(out_); }

 private:
  core::SecureBuffer out_;
};

core::Error malformed(std::string detail) {
  return core::make_error(core::Errc::kInvalidParameter, "secret_blob holds a malformed backup: " + std::move(detail));
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}

  core::Result<std::uint8_t> u8() {
    if (position_ >= data_.size()) return malformed("it is truncated");
    return data_[position_++];
  }
  core::Result<std::uint32_t> u32() {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      CSMS_TRY_ASSIGN(const auto byte, u8());
      value = (value << 8) | byte;
    }
    return value;
  }
  core::Result<std::int64_t> i64() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
      CSMS_TRY_ASSIGN(const auto byte, u8());
      value = (value << 8) | byte;
    }
    return static_cast<std::int64_t>(value);
  }
  core::Result<std::span<const std::uint8_t>> bytes() {
    CSMS_TRY_ASSIGN(const auto size, u32());
    if (size > data_.size() - position_) return malformed("it is truncated");
    const auto field = data_.subspan(position_, size);
    position_ += size;
    return field;
  }
  core::Result<std::string> text() {
    CSMS_TRY_ASSIGN(const auto field, bytes());
    return std::string(field.begin(), field.end());
  }
  core::Result<bool> flag() {
    CSMS_TRY_ASSIGN(const auto byte, u8());
    if (byte > 1) return malformed("a flag is neither 0 nor 1");
    return byte == 1;
  }
  core::Result<std::optional<std::string>> opt_text() {
    CSMS_TRY_ASSIGN(const bool present, flag());
    if (!present) return std::optional<std::string>();
    CSMS_TRY_ASSIGN(auto value, text());
    return std::optional<std::string>(std::move(value));
  }
  core::Result<std::optional<std::int64_t>> opt_i64() {
    CSMS_TRY_ASSIGN(const bool present, flag());
    if (!present) return std::optional<std::int64_t>();
    CSMS_TRY_ASSIGN(const auto value, i64());
    return std::optional<std::int64_t>(value);
  }
  // A count of items each at least `minimum_item_bytes` long, checked against what is left so a forged count
  // cannot make the reader reserve gigabytes.
  core::Result<std::uint32_t> count(std::size_t minimum_item_bytes) {
    CSMS_TRY_ASSIGN(const auto value, u32());
    if (value > (data_.size() - position_) / minimum_item_bytes) return malformed("a count exceeds the document");
    return value;
  }
  bool at_end() const { return position_ == data_.size(); }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t position_ = 0;
};

core::Result<core::Secret> read_secret(Reader& in) {
  core::Secret secret;
  CSMS_TRY_ASSIGN(secret.id, in.text());
  CSMS_TRY_ASSIGN(secret.name, in.text());
  CSMS_TRY_ASSIGN(secret.kms_key_id, in.text());
  CSMS_TRY_ASSIGN(secret.description, in.text());
  CSMS_TRY_ASSIGN(secret.secret_type, in.text());
  CSMS_TRY_ASSIGN(secret.auto_rotation, in.flag());
  CSMS_TRY_ASSIGN(secret.rotation_period, in.opt_text());
  CSMS_TRY_ASSIGN(secret.rotation_config, in.opt_text());
  CSMS_TRY_ASSIGN(secret.rotation_func_urn, in.opt_text());
  CSMS_TRY_ASSIGN(const auto events, in.count(4));
  for (std::uint32_t i = 0; i < events; ++i) {
    CSMS_TRY_ASSIGN(auto event, in.text());
    secret.event_subscriptions.push_back(std::move(event));
  }
  CSMS_TRY_ASSIGN(secret.enterprise_project_id, in.text());
  CSMS_TRY_ASSIGN(secret.create_time, in.i64());
  CSMS_TRY_ASSIGN(secret.update_time, in.i64());
  CSMS_TRY_ASSIGN(secret.rotation_time, in.opt_i64());
  CSMS_TRY_ASSIGN(secret.next_rotation_time, in.opt_i64());
  CSMS_TRY_ASSIGN(secret.last_version_number, in.i64());
  return secret;
}

core::Result<BackedUpVersion> read_version(Reader& in) {
  BackedUpVersion version;
  CSMS_TRY_ASSIGN(version.metadata.number, in.i64());
  CSMS_TRY_ASSIGN(version.metadata.create_time, in.i64());
  CSMS_TRY_ASSIGN(version.metadata.expire_time, in.opt_i64());
  CSMS_TRY_ASSIGN(version.metadata.kms_key_id, in.text());
  CSMS_TRY_ASSIGN(version.metadata.deprecated_since, in.opt_i64());
  CSMS_TRY_ASSIGN(const auto kind, in.u8());
  if (kind != static_cast<std::uint8_t>(core::ValueKind::kString) &&
      kind != static_cast<std::uint8_t>(core::ValueKind::kBinary)) {
    return malformed("a version has an unknown value kind");
  }
  version.value.kind = static_cast<core::ValueKind>(kind);
  CSMS_TRY_ASSIGN(const auto value, in.bytes());
  version.value.bytes = core::SecureBuffer(value.data(), value.size());
  return version;
}

core::Status check_consistent(const SecretBackupContent& content) {
  std::set<core::VersionNumber> numbers;
  for (const BackedUpVersion& version : content.versions) {
    const auto number = version.metadata.number;
    if (number < 1 || number > content.secret.last_version_number || !numbers.insert(number).second) {
      return malformed("version numbers are out of order or repeated");
    }
  }
  std::set<std::string> names;
  for (const core::Stage& stage : content.stages) {
    if (!numbers.contains(stage.version) || !names.insert(stage.name).second) {
      return malformed("a stage is repeated or names a version the backup does not hold");
    }
  }
  std::set<std::string> keys;
  for (const core::Tag& tag : content.tags) {
    if (!keys.insert(tag.key).second) return malformed("a tag key is repeated");
  }
  return core::ok();
}

}  // namespace

core::SecureBuffer encode_backup(const SecretBackupContent& content) {
  const core::Secret& secret = content.secret;
  Writer out;
  out.u8(kFormat);
  out.text(secret.id);
  out.text(secret.name);
  out.text(secret.kms_key_id);
  out.text(secret.description);
  out.text(secret.secret_type);
  out.u8(secret.auto_rotation ? 1 : 0);
  out.opt_text(secret.rotation_period);
  out.opt_text(secret.rotation_config);
  out.opt_text(secret.rotation_func_urn);
  out.u32(static_cast<std::uint32_t>(secret.event_subscriptions.size()));
  for (const std::string& event : secret.event_subscriptions) out.text(event);
  out.text(secret.enterprise_project_id);
  out.i64(secret.create_time);
  out.i64(secret.update_time);
  out.opt_i64(secret.rotation_time);
  out.opt_i64(secret.next_rotation_time);
  out.i64(secret.last_version_number);
  out.u32(static_cast<std::uint32_t>(content.versions.size()));
  for (const BackedUpVersion& version : content.versions) {
    out.i64(version.metadata.number);
    out.i64(version.metadata.create_time);
    out.opt_i64(version.metadata.expire_time);
    out.text(version.metadata.kms_key_id);
    out.opt_i64(version.metadata.deprecated_since);
    out.u8(static_cast<std::uint8_t>(version.value.kind));
    out.bytes(version.value.bytes.span());
  }
  out.u32(static_cast<std::uint32_t>(content.stages.size()));
  for (const core::Stage& stage : content.stages) {
    out.text(stage.name);
    out.i64(stage.version);
    out.i64(stage.update_time);
  }
  out.u32(static_cast<std::uint32_t>(content.tags.size()));
  for (const core::Tag& tag : content.tags) {
    out.text(tag.key);
    out.text(tag.value);
  }
  return out.take();
}

core::Result<SecretBackupContent> decode_backup(std::span<const std::uint8_t> document) {
  Reader in(document);
  CSMS_TRY_ASSIGN(const auto format, in.u8());
  if (format != kFormat && format != kFormatWithoutTags) return malformed("document format " + std::to_string(format) + " is not known");
  SecretBackupContent content;
  CSMS_TRY_ASSIGN(content.secret, read_secret(in));
  // A version is at least 8+8+1+4+1+1+4 bytes, a stage 4+8+8.
  CSMS_TRY_ASSIGN(const auto versions, in.count(27));
  for (std::uint32_t i = 0; i < versions; ++i) {
    CSMS_TRY_ASSIGN(auto version, read_version(in));
    content.versions.push_back(std::move(version));
  }
  CSMS_TRY_ASSIGN(const auto stages, in.count(20));
  for (std::uint32_t i = 0; i < stages; ++i) {
    core::Stage stage;
    CSMS_TRY_ASSIGN(stage.name, in.text());
    CSMS_TRY_ASSIGN(stage.version, in.i64());
    CSMS_TRY_ASSIGN(stage.update_time, in.i64());
    content.stages.push_back(std::move(stage));
  }
  if (format == kFormat) {
    // A tag is at least two empty texts.
    CSMS_TRY_ASSIGN(const auto tags, in.count(8));
    for (std::uint32_t i = 0; i < tags; ++i) {
      core::Tag tag;
      CSMS_TRY_ASSIGN(tag.key, in.text());
      CSMS_TRY_ASSIGN(tag.value, in.text());
      content.tags.push_back(std::move(tag));
    }
  }
  if (!in.at_end()) return malformed("it has trailing bytes");
  CSMS_TRY(check_consistent(content));
  return content;
}

}  // namespace csms::domain
