#include "api/http_client.h"

#include <gtest/gtest.h>
#include <strings.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sonora::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
bool NameEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (NameEquals(k, name)) return v;
  return {};
}

bool HttpResponse::HasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (NameEquals(k, name)) return true;
  return false;
}

int HttpResponse::HeaderCount(std::string_view name) const {
  int n = 0;
  for (const auto& [k, v] : headers) n += NameEquals(k, name);
  return n;
}

Json HttpResponse::json() const {
  auto parsed = ParseJson(body);
  if (!parsed.ok()) {
    ADD_FAILURE() << "response " << status << " is not JSON: " << body.substr(0, 500);
    return Json();
  }
  return *parsed;
}

HeaderList Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// The whole client runs its async operations on a private io_context, one at a time, with
// beast::tcp_stream's expiry as the deadline.
struct HttpClient::Impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;

  // Runs the queued operation to completion.
  void Run() {
    ioc.restart();
    ioc.run();
  }
};

HttpClient::HttpClient(int port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() { Close(); }

bool HttpClient::connected() const { return impl_->open; }

void HttpClient::Close() {
  if (!impl_->open) return;
  beast::error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  impl_->stream.close();
  impl_->buffer.clear();
  impl_->open = false;
}

bool HttpClient::EnsureConnected() {
  if (impl_->open) return true;
  impl_->buffer.clear();
  beast::error_code result;
  impl_->stream.expires_after(timeout_);
  impl_->stream.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)),
      [&](beast::error_code ec) { result = ec; });
  impl_->Run();
  if (result) {
    last_error_ = "connect: " + result.message();
    return false;
  }
  impl_->open = true;
  ++connects_;
  return true;
}

bool HttpClient::SendRaw(std::string_view bytes) {
  if (!EnsureConnected()) return false;
  beast::error_code result;
  impl_->stream.expires_after(timeout_);
  asio::async_write(impl_->stream, asio::buffer(bytes.data(), bytes.size()),
                    [&](beast::error_code ec, size_t) { result = ec; });
  impl_->Run();
  if (result) {
    last_error_ = "write: " + result.message();
    return false;
  }
  return true;
}

std::optional<HttpResponse> HttpClient::ReadResponse(bool head) {
  if (!impl_->open) {
    last_error_ = "read: not connected";
    return std::nullopt;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  parser.header_limit(64 << 10);
  parser.skip(head);
  beast::error_code result;
  impl_->stream.expires_after(timeout_);
  bhttp::async_read(impl_->stream, impl_->buffer, parser,
                    [&](beast::error_code ec, size_t) { result = ec; });
  impl_->Run();
  if (result) {
    last_error_ = "read: " + result.message();
    Close();
    return std::nullopt;
  }
  auto& msg = parser.get();
  HttpResponse r;
  r.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) {
    r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  r.body = std::move(msg.body());
  r.keep_alive = msg.keep_alive();
  return r;
}

bool HttpClient::WaitForClose(std::chrono::milliseconds wait) {
  if (!impl_->open) return true;
  char byte;
  beast::error_code result;
  size_t n = 0;
  impl_->stream.expires_after(wait);
  impl_->stream.async_read_some(asio::buffer(&byte, 1), [&](beast::error_code ec, size_t got) {
    result = ec;
    n = got;
  });
  impl_->Run();
  if (!result && n > 0) {
    last_error_ = "expected close, got data";
    impl_->buffer.commit(asio::buffer_copy(impl_->buffer.prepare(1), asio::buffer(&byte, 1)));
    return false;
  }
  const bool closed = result == asio::error::eof || result == asio::error::connection_reset;
  if (result == beast::error::timeout) last_error_ = "connection still open";
  // A timed-out tcp_stream is closed by Beast; either way this connection is done.
  impl_->open = false;
  impl_->stream.close();
  return closed;
}

HttpResponse HttpClient::Send(std::string_view method, std::string_view target, std::string body,
                              const HeaderList& headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port_));
  bool has_content_type = false;
  for (const auto& [k, v] : headers) {
    req.insert(k, v);
    has_content_type |= NameEquals(k, "content-type");
  }
  if (!body.empty() && !has_content_type) req.set(bhttp::field::content_type, "application/json");
  req.body() = std::move(body);
  req.prepare_payload();
  const bool head = method == "HEAD";

  // No retries: a connection the server dropped without answering is a finding, not noise.
  if (!EnsureConnected()) return {};
  beast::error_code result;
  impl_->stream.expires_after(timeout_);
  bhttp::async_write(impl_->stream, req, [&](beast::error_code ec, size_t) { result = ec; });
  impl_->Run();
  if (result) {
    last_error_ = "write: " + result.message();
    Close();
    return {};
  }
  auto response = ReadResponse(head);
  if (!response) return {};
  if (!response->keep_alive) Close();
  return *response;
}

HttpResponse HttpClient::Get(std::string_view target, const HeaderList& headers) {
  return Send("GET", target, {}, headers);
}

HttpResponse HttpClient::Post(std::string_view target, const Json& body,
                              const HeaderList& headers) {
  return Send("POST", target, DumpJson(body), headers);
}

HttpResponse HttpClient::Put(std::string_view target, const Json& body, const HeaderList& headers) {
  return Send("PUT", target, DumpJson(body), headers);
}

}  // namespace sonora::testing
