# Hostile: tries the network (a TCP server of the harness on 127.0.0.1, an outside address, DNS).
import socket, sys
print("start", flush=True)
port = int(sys.argv[1])
for name, addr in [("local", ("127.0.0.1", port)), ("outside", ("1.1.1.1", 53))]:
    try:
        s = socket.create_connection(addr, timeout=1)
        s.sendall(b"leak\n")
        print(f"{name}: CONNECTED")
    except OSError as e:
        print(f"{name}: blocked ({type(e).__name__})")
try:
    socket.getaddrinfo("example.com", 80)
    print("dns: RESOLVED")
except OSError as e:
    print(f"dns: blocked ({type(e).__name__})")
