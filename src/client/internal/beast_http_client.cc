#include "client/internal/beast_http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sonora::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Every operation is queued on a private io_context and run to completion, with the
// tcp_stream's expiry as its deadline (Asio 1.81 has no cancel_after).
struct BeastHttpClient::Impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;

  void Run() {
    ioc.restart();
    ioc.run();
  }
};

namespace {

Status TransportError(const char* what, const beast::error_code& ec) {
  if (ec == beast::error::timeout)
    return Status::DeadlineExceeded(std::string(what) + ": timed out");
  return Status::Unavailable(std::string(what) + ": " + ec.message());
}

}  // namespace

BeastHttpClient::BeastHttpClient(BeastHttpOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

BeastHttpClient::~BeastHttpClient() { Close(); }

void BeastHttpClient::Close() {
  if (!impl_->open) return;
  beast::error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  impl_->stream.close();
  impl_->buffer.clear();
  impl_->open = false;
}

Status BeastHttpClient::EnsureConnected() {
  if (impl_->open) return Status();
  impl_->buffer.clear();
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
  if (ec) return Status::Unavailable("cannot resolve " + options_.host + ": " + ec.message());
  beast::error_code result;
  impl_->stream.expires_after(options_.timeout);
  impl_->stream.async_connect(endpoints,
                              [&](beast::error_code e, const tcp::endpoint&) { result = e; });
  impl_->Run();
  if (result) {
    return TransportError(
        ("cannot connect to " + options_.host + ":" + std::to_string(options_.port)).c_str(),
        result);
  }
  impl_->stream.socket().set_option(tcp::no_delay(true), ec);
  impl_->open = true;
  ++connects_;
  return Status();
}

Result<HttpReply> BeastHttpClient::Send(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string body) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, options_.host + ":" + std::to_string(options_.port));
  req.set(bhttp::field::user_agent, "sonora-play");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
  req.body() = std::move(body);
  req.prepare_payload();

  // A kept-alive connection the server closed while idle fails on first use: retry that once on
  // a fresh connection. A fresh connection that fails is an answer.
  for (int attempt = 0;; ++attempt) {
    const bool reused = impl_->open;
    SONORA_RETURN_IF_ERROR(EnsureConnected());
    beast::error_code result;
    impl_->stream.expires_after(options_.timeout);
    bhttp::async_write(impl_->stream, req, [&](beast::error_code ec, size_t) { result = ec; });
    impl_->Run();
    if (!result) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(options_.body_limit);
      impl_->stream.expires_after(options_.timeout);
      bhttp::async_read(impl_->stream, impl_->buffer, parser,
                        [&](beast::error_code ec, size_t) { result = ec; });
      impl_->Run();
      if (!result) {
        auto& msg = parser.get();
        HttpReply reply;
        reply.status = static_cast<int>(msg.result_int());
        reply.body = std::move(msg.body());
        if (!msg.keep_alive()) Close();
        return reply;
      }
    }
    Close();
    if (result == bhttp::error::body_limit) {
      return Status::ResourceExhausted("response body over the client's limit", 0);
    }
    const bool dropped =
        result == beast::error::timeout
            ? false
            : result == bhttp::error::end_of_stream || result == asio::error::eof ||
                  result == asio::error::connection_reset || result == asio::error::broken_pipe;
    if (!(reused && dropped && attempt == 0)) {
      return TransportError(std::string(method).c_str(), result);
    }
  }
}

std::unique_ptr<HttpTransport> NewHttpClient(const ServerAddress& server,
                                             std::chrono::milliseconds timeout) {
  return std::make_unique<BeastHttpClient>(
      BeastHttpOptions{.host = server.host, .port = server.port, .timeout = timeout});
}

}  // namespace sonora::client
