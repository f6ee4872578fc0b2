// Undoing an HTTP Content-Encoding (RFC 9110 §8.4) for the fetcher, which
// turns libcurl's own decoding off for page requests: the common case — one
// gzip or deflate layer over a body of a few dozen KB — is buffered and
// decoded in one call to libdeflate (measured: ~1.6x faster than zlib's
// streaming inflate on the site farm's pages, more on real ones), and
// everything else is decoded as it arrives, exactly the way libcurl 7.88's
// content_encoding.c does it (zlib for gzip/x-gzip/deflate, libbrotli for br,
// libzstd for zstd; identity/none pass through; an unknown coding fails at
// the first body byte), so that a response gives the same body, the same
// CURLcode and the same error text either way.
//
// Where the one-shot path could differ from libcurl it steps back: on any
// libdeflate failure, trailing bytes, a gzip header CRC (zlib checks it,
// libdeflate does not), a decoded size above the caller's limit, or more than
// kMaxBufferedBytes of input, the buffered input is replayed chunk by chunk
// through the libcurl-equivalent streaming path. The one known residue:
// libdeflate accepts a few hand-made Huffman codes that zlib refuses
// (libdeflate's build_decode_table comment); no compressor emits them.
//
// Not thread-safe: one decoder per transfer, used on the fetcher's thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

// Where decoded bytes go. Either call returning false stops decoding (the
// decoder then reports stopped()); the fetcher's body cap lives here.
class DecodedSink {
 public:
  virtual ~DecodedSink() = default;
  // The next decoded bytes, in order; never called with zero bytes.
  virtual bool Append(const char* data, size_t len) = 0;
  // The whole decoded body at once (the one-shot path), as the only call.
  // Lets the sink keep the string instead of copying it.
  virtual bool AppendWhole(std::string&& body) { return Append(body.data(), body.size()); }
};

class ContentDecoder {
 public:
  // Input kept back for the one-shot path; beyond it the decoder streams
  // (bounds memory per transfer: a gzip bomb or an endless body is decoded,
  // and refused by the sink, as it arrives).
  static constexpr size_t kMaxBufferedBytes = size_t{256} * 1024;

  // `sink` must outlive the decoder. `size_limit`: decoded sizes above it go
  // the streaming way (the sink refuses them; no one-shot buffer that large
  // is ever allocated).
  ContentDecoder(DecodedSink& sink, size_t size_limit);
  ~ContentDecoder();
  ContentDecoder(const ContentDecoder&) = delete;
  ContentDecoder& operator=(const ContentDecoder&) = delete;

  // Adds the codings of one Content-Encoding header value, in the order
  // listed (the last one listed is undone first). Cannot fail: an unknown
  // coding fails at the first body byte, as in libcurl.
  // Codings listed after the first Write are ignored (trailers).
  void AddCodings(std::string_view header_value);
  // True when there is any coding to undo (identity included).
  bool active() const { return !stages_.empty(); }

  // Decode as bytes arrive from now on, even in the one-shot case: for a
  // caller that must see the first decoded bytes early (a content-type
  // check that aborts the transfer).
  void StreamFromNow();

  // Takes the next raw body bytes. Returns false when decoding failed or the
  // sink refused: the transfer should stop.
  bool Write(const char* data, size_t len);
  // The body ended, or the transfer failed: decodes what is still buffered.
  // Returns false when decoding failed or the sink refused. Idempotent.
  bool Finish();

  // Why decoding stopped. failed(): the CURLcode libcurl would have
  // returned (CURLE_BAD_CONTENT_ENCODING or CURLE_WRITE_ERROR) and its error
  // text (empty where libcurl sets none). stopped(): the sink refused.
  bool failed() const { return curl_code_ != 0; }
  int curl_code() const { return curl_code_; }
  const std::string& message() const { return message_; }
  bool stopped() const { return sink_stopped_; }

  class Stage;  // one coding of the streaming path (content_decoder.cpp)

 private:
  bool OneShot();
  bool Replay();
  bool Stream(const char* data, size_t len);
  bool Emit(size_t stage, const char* data, size_t len);
  bool Fail(int curl_code, std::string message);
  friend class Stage;

  DecodedSink& sink_;
  size_t size_limit_;
  std::vector<std::unique_ptr<Stage>> stages_;  // in header order
  bool buffering_ = false;  // one gzip/deflate stage: keep input for the one-shot path
  bool streaming_ = false;  // input goes through the stages as it arrives
  bool finished_ = false;
  std::string buffered_;             // raw input kept back
  std::vector<size_t> chunk_sizes_;  // how it arrived, for a faithful replay
  int curl_code_ = 0;
  std::string message_;
  bool sink_stopped_ = false;
};

}  // namespace trawl
