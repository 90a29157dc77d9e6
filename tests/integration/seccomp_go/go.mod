module mptcpshim.test/seccompgo

go 1.19
