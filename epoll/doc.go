package epoll

//go:generate go run ../gen -spec ../gen/spec/epoll_linux.spec
