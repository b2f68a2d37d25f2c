/* tls_cert.h - a self-signed certificate for 127.0.0.1, made at test time with libcrypto,
 * for the emulator's HTTPS. */
#ifndef SMS_TUI_TLS_CERT_H
#define SMS_TUI_TLS_CERT_H

/* Writes a new EC key and a certificate (CN and subjectAltName IP 127.0.0.1, valid a day)
 * as PEM files. 0 ok, -1 on error. */
int tls_make_self_signed(const char *cert_path, const char *key_path);

#endif
