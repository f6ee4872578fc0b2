// STUB until implemented.
#include "extract/extractor.h"
namespace trawl {
struct ProfileBuilder::State {};
ProfileBuilder::ProfileBuilder(std::string) : state_(std::make_unique<State>()) {}
ProfileBuilder::~ProfileBuilder() = default;
void ProfileBuilder::AddPage(const Document&) {}
void ProfileBuilder::Finish(Profile&) {}
}  // namespace trawl
