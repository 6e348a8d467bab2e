package aio

import "golang.org/x/sys/unix"

// The calls FreeBSD's libc makes from other calls, made here from the
// generated ones in the same way.

// AioRead2 is aio_read2(2): AioRead with flags. FreeBSD has no system call
// for it: its libc sets cb.LioOpcode to LIO_READ, with LIO_FOFFSET and
// LIO_VECTORED as flags say, and starts the one request with
// lio_listio(LIO_NOWAIT, ...), as this function does. When the request
// itself fails to start, lio_listio says EIO and AioError says why:
// AioRead2 returns that error, as libc does. Flags other than
// AIO_OP2_FOFFSET and AIO_OP2_VECTORED give EINVAL without a call, as in
// libc. The kernel holds cb as with AioRead. AIO_OP2_FOFFSET and
// LIO_FOFFSET are in FreeBSD 15.0's headers; what an older kernel answers
// to LIO_FOFFSET has not been seen here (there is no FreeBSD kernel).
//
// See https://man.freebsd.org/cgi/man.cgi?query=aio_read2&sektion=2&manpath=FreeBSD+15.0-RELEASE
func AioRead2(cb *Aiocb, flags Op2Flags) error { return aioOp2(cb, LIO_READ, flags) }

// AioWrite2 is aio_write2(2): AioWrite with flags, made as AioRead2 makes
// aio_read2 (LIO_WRITE through lio_listio, as FreeBSD's libc does).
//
// See https://man.freebsd.org/cgi/man.cgi?query=aio_write2&sektion=2&manpath=FreeBSD+15.0-RELEASE
func AioWrite2(cb *Aiocb, flags Op2Flags) error { return aioOp2(cb, LIO_WRITE, flags) }

func aioOp2(cb *Aiocb, op LioOpcode, flags Op2Flags) error {
	if flags&^(AIO_OP2_FOFFSET|AIO_OP2_VECTORED) != 0 {
		return unix.EINVAL
	}
	if flags&AIO_OP2_FOFFSET != 0 {
		op |= LIO_FOFFSET
	}
	if flags&AIO_OP2_VECTORED != 0 {
		op |= LIO_VECTORED
	}
	cb.LioOpcode = op
	// The list lives on this frame: with LIO_NOWAIT and no Sigevent the
	// kernel reads it during the call only.
	list := [1]*Aiocb{cb}
	err := LioListio(LIO_NOWAIT, list[:], nil)
	if err == unix.EIO {
		if code, e := AioError(cb); e == nil && code != 0 {
			return code
		}
	}
	return err
}
