# Warnings.cmake: the house warning set, applied per target so third-party code is not affected.
function(csmsd_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wswitch-enum -Wshadow=local -Wnon-virtual-dtor)
endfunction()
