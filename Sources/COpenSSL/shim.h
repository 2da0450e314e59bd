#ifndef CMSCERTS_COPENSSL_SHIM_H
#define CMSCERTS_COPENSSL_SHIM_H

/*
 * What Swift cannot import from OpenSSL 3: function-like macros (sk_*, OPENSSL_free,
 * BIO_get_mem_data, PKCS7_type_is_signed) and struct fields reached through unions.
 * Each is wrapped here in a static inline function; nothing else lives in this file.
 */

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <time.h>

static inline void cms_openssl_free(void *p) { OPENSSL_free(p); }

static inline long cms_bio_mem_data(BIO *bio, char **out) { return BIO_get_mem_data(bio, out); }

/* STACK_OF(X509) */
static inline int cms_sk_X509_num(const STACK_OF(X509) *sk) { return sk_X509_num(sk); }
static inline X509 *cms_sk_X509_value(const STACK_OF(X509) *sk, int i) { return sk_X509_value(sk, i); }
static inline void cms_sk_X509_pop_free(STACK_OF(X509) *sk) { sk_X509_pop_free(sk, X509_free); }

/* STACK_OF(GENERAL_NAME) */
static inline int cms_sk_GENERAL_NAME_num(const GENERAL_NAMES *sk) { return sk_GENERAL_NAME_num(sk); }
static inline GENERAL_NAME *cms_sk_GENERAL_NAME_value(const GENERAL_NAMES *sk, int i) { return sk_GENERAL_NAME_value(sk, i); }

/* STACK_OF(X509_EXTENSION) */
static inline STACK_OF(X509_EXTENSION) *cms_sk_X509_EXTENSION_new_null(void) { return sk_X509_EXTENSION_new_null(); }
static inline int cms_sk_X509_EXTENSION_push(STACK_OF(X509_EXTENSION) *sk, X509_EXTENSION *e) { return sk_X509_EXTENSION_push(sk, e); }
static inline int cms_sk_X509_EXTENSION_num(const STACK_OF(X509_EXTENSION) *sk) { return sk_X509_EXTENSION_num(sk); }
static inline X509_EXTENSION *cms_sk_X509_EXTENSION_value(const STACK_OF(X509_EXTENSION) *sk, int i) { return sk_X509_EXTENSION_value(sk, i); }
static inline void cms_sk_X509_EXTENSION_pop_free(STACK_OF(X509_EXTENSION) *sk) { sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free); }

/* EXTENDED_KEY_USAGE is a STACK_OF(ASN1_OBJECT) */
static inline int cms_sk_ASN1_OBJECT_num(const STACK_OF(ASN1_OBJECT) *sk) { return sk_ASN1_OBJECT_num(sk); }
static inline ASN1_OBJECT *cms_sk_ASN1_OBJECT_value(const STACK_OF(ASN1_OBJECT) *sk, int i) { return sk_ASN1_OBJECT_value(sk, i); }

/* Authority Information Access: the caIssuers URI of entry i, or NULL for any other entry. */
static inline int cms_aia_count(const AUTHORITY_INFO_ACCESS *aia) { return sk_ACCESS_DESCRIPTION_num(aia); }
static inline const ASN1_STRING *cms_aia_ca_issuers_uri(const AUTHORITY_INFO_ACCESS *aia, int i) {
    ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
    if (ad == NULL || OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location == NULL || ad->location->type != GEN_URI) return NULL;
    return ad->location->d.uniformResourceIdentifier;
}

/* GENERAL_NAME's union */
static inline int cms_general_name_type(const GENERAL_NAME *gn) { return gn->type; }
static inline ASN1_STRING *cms_general_name_ia5(const GENERAL_NAME *gn) {
    switch (gn->type) {
    case GEN_DNS: return gn->d.dNSName;
    case GEN_EMAIL: return gn->d.rfc822Name;
    case GEN_URI: return gn->d.uniformResourceIdentifier;
    case GEN_IPADD: return gn->d.iPAddress;
    default: return NULL;
    }
}

/* PKCS#7: the certificates of a signed-data (the "certs-only" .p7b of CAs) */
static inline STACK_OF(X509) *cms_pkcs7_certificates(PKCS7 *p7) {
    if (p7 == NULL) return NULL;
    if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL) return p7->d.sign->cert;
    if (PKCS7_type_is_signedAndEnveloped(p7) && p7->d.signed_and_enveloped != NULL)
        return p7->d.signed_and_enveloped->cert;
    return NULL;
}

/*
 * A passphrase callback that never prompts: it hands over the passphrase given (or
 * nothing), so that an encrypted key read without one fails instead of asking on a tty.
 */
static int cms_pass_cb(char *buf, int size, int rwflag, void *u) {
    (void)rwflag;
    if (u == NULL) return -1;
    const char *pass = (const char *)u;
    int len = (int)strlen(pass);
    if (len > size) len = size;
    memcpy(buf, pass, (size_t)len);
    return len;
}

static inline EVP_PKEY *cms_read_private_key(BIO *bio, const char *pass) {
    return PEM_read_bio_PrivateKey(bio, NULL, cms_pass_cb, (void *)pass);
}

static inline EVP_PKEY *cms_read_der_private_key(BIO *bio, const char *pass) {
    /* PKCS#8 (encrypted or not) first, then the traditional forms. */
    EVP_PKEY *k = d2i_PKCS8PrivateKey_bio(bio, NULL, cms_pass_cb, (void *)pass);
    return k;
}

static inline int cms_write_pkcs8_encrypted(BIO *bio, EVP_PKEY *key, const char *pass) {
    return PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), NULL, 0, cms_pass_cb, (void *)pass);
}

/* ASN1_TIME -> seconds since 1970 (UTC). Returns 0 on success. */
static inline int cms_asn1_time_to_unix(const ASN1_TIME *t, long long *out) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) return -1;
    *out = (long long)timegm(&tm);
    return 0;
}

/* Inventory: TLS probe */
#include <openssl/ssl.h>
static inline long cms_ssl_set_tlsext_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }

#endif
