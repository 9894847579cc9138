// address_sanitizer.hpp: CSMS_UNDER_ADDRESS_SANITIZER, 1 when this build runs under AddressSanitizer, else 0.
#pragma once

// GCC says so with __SANITIZE_ADDRESS__, clang (the sanitizer job's compiler) with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define CSMS_UNDER_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CSMS_UNDER_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef CSMS_UNDER_ADDRESS_SANITIZER
#define CSMS_UNDER_ADDRESS_SANITIZER 0
#endif
