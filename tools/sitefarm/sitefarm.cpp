// STUB until implemented.
namespace trawl::sitefarm {}
