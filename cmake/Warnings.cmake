# Warnings.cmake: the house warning set, applied per target so third-party code is not affected.
function(csmsd_warnings target)
  # -Wshadow=local is GCC's: clang (the fuzz build) has no local-only variant, and its -Wshadow also flags a local
  # named like a namespace-scope name, which this code allows. The g++ builds keep the check.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wswitch-enum
                         $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wnon-virtual-dtor)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O2/-O3 reports impossible overlaps and overflows inside libstdc++'s own string and vector code
    # (GCC bugs 105329, 105651, 106199, 107852); they fire on plain std::string concatenation and vector::insert.
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow -Wno-stringop-overread -Wno-array-bounds)
    # And at -O2 it pairs the aligned_alloc inside Asio's awaitable frame allocator with the frame's own operator
    # delete (which frees it correctly) and calls them mismatched, on every coroutine that co_awaits another.
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
  endif()
  if(CSMSD_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # ASan's instrumentation hides initialisations from GCC's flow analysis: at -O1 it reports std::function inside
    # libstdc++'s <regex> as "may be used uninitialized". The plain builds keep the warning.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()
