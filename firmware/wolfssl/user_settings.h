/*
 * user_settings.h - the wolfSSL build of the wolfSSL backend (tls_wolfssl*.c).
 *
 * wolfSSL reads this file instead of a configure-generated options.h when it
 * is compiled with -DWOLFSSL_USER_SETTINGS (../boards/ESP32_IDF4_WOLFSSL.py,
 * ../boards/LINUX_WOLFSSL_TWIN.py, and any wolfSSL built by hand for the
 * post-quantum tests). Written for wolfSSL 5.8 and later; one TLS client, as
 * small as the policy allows: TLS 1.3 preferred, TLS 1.2 minimum with ECDHE
 * and AEAD only, groups X25519MLKEM768, X25519 and P-256, certificates
 * verified against a CA given as DER.
 *
 * Every setting has its reason right above it (the firmware tests check).
 */
#ifndef TLS_WOLFSSL_USER_SETTINGS_H
#define TLS_WOLFSSL_USER_SETTINGS_H

/* --- platform ------------------------------------------------------------- */

#if defined(ESP_PLATFORM)
/* ESP-IDF: FreeRTOS, lwIP and esp_random() for the RNG seed. */
#define WOLFSSL_ESPIDF
/* The ESP32 (LX6) port files of the wolfSSL ESP-IDF component. */
#define WOLFSSL_ESP32
/* Software crypto only, as on the twin: the hardware AES/SHA/RSA drivers
 * take mutexes and have not been tried under Espruino yet. */
#define NO_ESP32_CRYPT
#endif

#if defined(__linux__) && !defined(ESP_PLATFORM)
/* Linux (the twin, the harness): the RNG seed comes from getrandom(), since
 * NO_FILESYSTEM below also leaves out /dev/urandom. */
#define WOLFSSL_GETRANDOM
#endif

/* Espruino runs every socket from its one interpreter task: no locking. */
#define SINGLE_THREADED
/* Certificates and keys arrive as buffers from JavaScript, never as files. */
#define NO_FILESYSTEM
/* I/O goes through tls_wolfssl.c's callbacks over Espruino's network driver,
 * so wolfSSL's own BSD-socket glue is left out. */
#define WOLFSSL_USER_IO
/* Nor does wolfSSL need socket headers (lwIP's, or none on bare targets). */
#define WOLFSSL_NO_SOCK
/* No wolfSSL_writev: nothing calls it, and bare targets have no sys/uio.h. */
#define NO_WRITEV
/* Error texts are never shown: the backend reports mbedTLS-style codes. */
#define NO_ERROR_STRINGS
/* A client only: the server half of the library is dead code here. */
#define NO_WOLFSSL_SERVER

/* --- memory --------------------------------------------------------------- */

/* Large temporaries on the heap instead of the stack: Espruino's task stack
 * is shared with the interpreter's recursion. */
#define WOLFSSL_SMALL_STACK
/* Certificate verification decodes one certificate at a time. */
#define WOLFSSL_SMALL_CERT_VERIFY
/* No session cache: Espruino never resumes a session. */
#define NO_SESSION_CACHE
/* RSA private-key operations (an RSA client key) without the CRT tables. */
#define RSA_LOW_MEM
/* AES-GCM with the small GHASH (no 4 KB multiplication table). */
#define GCM_SMALL
/* AES tables computed small instead of the 8 KB T-tables. */
#define WOLFSSL_AES_SMALL_TABLES

#if defined(TLS_TWIN_ALLOC)
/* LINUX_WOLFSSL_TWIN: wolfSSL's memory comes from Espruino's variable store
 * (boards/tls_twin_alloc.c), so process.memory() counts it: wolfSSL's own
 * allocation macros give way to the three below. */
#define XMALLOC_OVERRIDE
/* The allocator's functions (the twin board puts boards/ on the include path). */
#include "tls_twin_alloc.h"
/* Where wolfSSL allocates (heap hint and type are not used). */
#define XMALLOC(s, h, t) ((void)(h), (void)(t), tls_twin_malloc(s))
/* Where wolfSSL frees; the twin allocator accepts NULL. */
#define XFREE(p, h, t) do { (void)(h); (void)(t); tls_twin_free(p); } while (0)
/* Where wolfSSL grows a buffer. */
#define XREALLOC(p, n, h, t) ((void)(h), (void)(t), tls_twin_realloc((p), (n)))
#endif

/* --- protocol ------------------------------------------------------------- */

/* TLS 1.3, the version the client prefers. */
#define WOLFSSL_TLS13
/* TLS 1.3 key schedule. */
#define HAVE_HKDF
/* Extensions: SNI, supported_groups, key_share, supported_versions. */
#define HAVE_TLS_EXTENSIONS
/* supported_groups, needed for ECDHE in TLS 1.2 and key shares in TLS 1.3. */
#define HAVE_SUPPORTED_CURVES
/* The host name is sent as SNI. */
#define HAVE_SNI
/* TLS 1.2 (RFC 7627): the session keys are bound to the whole handshake. */
#define HAVE_EXTENDED_MASTER
/* SSL 3.0, TLS 1.0 and 1.1 are compiled out: TLS 1.2 is the minimum. */
#define NO_OLD_TLS
/* The verify callback also runs for a good leaf certificate: the policy
 * checks an IP-literal host against its iPAddress names there. */
#define WOLFSSL_ALWAYS_VERIFY_CB

/* --- key exchange --------------------------------------------------------- */

/* ECDHE and ECDSA. */
#define HAVE_ECC
/* Constant-time scalar multiplication. */
#define ECC_TIMING_RESISTANT
/* Only the curves listed here (P-256 is wolfSSL's default one). */
#define ECC_USER_CURVES
/* P-384 for certificate chains signed with it (ISRG Root X2, ECDSA CAs). */
#define HAVE_ECC384
/* X25519 for ECDHE and for the hybrid group. Not CURVE25519_SMALL, which is
 * many times slower (38x on x86-64 for a key pair and a shared secret); but
 * wolfSSL 5.9 switches it on for every Xtensa target itself (its settings.h,
 * with a #warning), so on the ESP32 X25519 takes the small path anyway. */
#define HAVE_CURVE25519
/* No finite-field Diffie-Hellman (slow, and not in the policy). */
#define NO_DH

/* ML-KEM (FIPS 203) for the hybrid group X25519MLKEM768 (wolfSSL 5.8+). */
#define WOLFSSL_HAVE_MLKEM
/* ML-KEM-768 only: the level X25519MLKEM768 uses. */
#define WOLFSSL_NO_ML_KEM_512
/* ML-KEM-1024 is not offered either. */
#define WOLFSSL_NO_ML_KEM_1024
/* Hybrid groups (ECDHE combined with ML-KEM) in TLS 1.3. */
#define WOLFSSL_PQC_HYBRIDS
/* ML-KEM alone as a TLS group is not offered. */
#define WOLFSSL_TLS_NO_MLKEM_STANDALONE
/* A client generates a key and decapsulates; encapsulation is the server's. */
#define WOLFSSL_MLKEM_NO_ENCAPSULATE
/* The compact ML-KEM code. */
#define WOLFSSL_MLKEM_SMALL
/* Key generation with less memory (the matrix one row at a time). */
#define WOLFSSL_MLKEM_MAKEKEY_SMALL_MEM
/* Decapsulation re-encapsulates: with less memory too. */
#define WOLFSSL_MLKEM_ENCAPSULATE_SMALL_MEM
/* Key buffers sized for ML-KEM-768 and allocated only while needed. */
#define WOLFSSL_MLKEM_DYNAMIC_KEYS
/* ML-KEM's hashes. */
#define WOLFSSL_SHA3
/* ML-KEM's matrix expansion. */
#define WOLFSSL_SHAKE128
/* ML-KEM's PRF. */
#define WOLFSSL_SHAKE256

/* --- certificates --------------------------------------------------------- */

/* RSA certificates (most public servers) and RSA client keys. */
#define WC_RSA_BLINDING
/* RSA-PSS signatures: TLS 1.3 signs with them for RSA certificates. */
#define WC_RSA_PSS
/* SHA-384 for AES-256-GCM suites and P-384 signatures. */
#define WOLFSSL_SHA384
/* SHA-512, which wolfSSL's SHA-384 is built on. */
#define WOLFSSL_SHA512

/* --- ciphers: AEAD only --------------------------------------------------- */

/* AES-GCM. */
#define HAVE_AESGCM
/* ChaCha20-Poly1305: the stream cipher. */
#define HAVE_CHACHA
/* ChaCha20-Poly1305: its authenticator. */
#define HAVE_POLY1305
/* No CBC suites. */
#define NO_AES_CBC
/* No 3DES. */
#define NO_DES3
/* No RC4. */
#define NO_RC4
/* No MD4. */
#define NO_MD4
/* No DSA certificates. */
#define NO_DSA
/* No password-based key derivation (keys are unencrypted DER). */
#define NO_PWDBASED
/* No pre-shared keys. */
#define NO_PSK

/* --- math ----------------------------------------------------------------- */

/* wolfSSL's single-precision math for everything. */
#define WOLFSSL_SP_MATH_ALL
/* Its small (C, no unrolled) variant. */
#define WOLFSSL_SP_SMALL
/* SP code for RSA. */
#define WOLFSSL_HAVE_SP_RSA
/* SP code for ECC. */
#define WOLFSSL_HAVE_SP_ECC
/* SP code for P-384. */
#define WOLFSSL_SP_384
/* SP code for 4096-bit RSA (root CAs such as ISRG Root X1). */
#define WOLFSSL_SP_4096
/* Big enough for a 4096-bit RSA key. */
#define SP_INT_BITS 4096
/* Portable C, no assembly. */
#define WOLFSSL_SP_NO_ASM
/* Portable C ML-KEM, no assembly. */
#define WC_MLKEM_NO_ASM

#endif /* TLS_WOLFSSL_USER_SETTINGS_H */
