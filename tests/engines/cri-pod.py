#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs one pod through containerd's CRI plugin the way a kubelet does
(RunPodSandbox with a runtime handler, CreateContainer, StartContainer,
wait, read the container log, clean up), for tests/engines/kubernetes.bats.

Prints the container's output (from its CRI log) on stdout and exits with
the container's exit code; on a CRI error prints it on stderr and exits 125.
Needs python3-grpcio and python3-grpc-tools (the CRI subset in
cri/cri_min.proto is compiled at run time).
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))


def load_cri(workdir):
    proto_dir = os.path.join(HERE, "cri")
    rc = protoc.main(["protoc", f"-I{proto_dir}", f"--python_out={workdir}",
                      f"--grpc_python_out={workdir}", os.path.join(proto_dir, "cri_min.proto")])
    if rc != 0:
        sys.exit("cri-pod: protoc failed on cri_min.proto")
    sys.path.insert(0, workdir)
    import cri_min_pb2  # noqa: E402
    import cri_min_pb2_grpc  # noqa: E402
    return cri_min_pb2, cri_min_pb2_grpc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--handler", default="brig")
    ap.add_argument("--image", required=True)
    ap.add_argument("--log-dir", required=True)
    ap.add_argument("--privileged", action="store_true")
    ap.add_argument("--run-as-user", type=int)
    ap.add_argument("--host-pid", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("cmd", nargs="+")
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="cri-pod.")
    try:
        pb, pbg = load_cri(work)
    finally:
        # the generated modules are imported by now
        shutil.rmtree(work, ignore_errors=True)
    ch = grpc.insecure_channel("unix://" + a.socket)
    rt = pbg.RuntimeServiceStub(ch)
    rt.Version(pb.VersionRequest(version="v1"), timeout=10)

    ns = pb.NamespaceOption(network=pb.POD, pid=pb.NODE if a.host_pid else pb.CONTAINER, ipc=pb.POD)
    name = "brig-" + uuid.uuid4().hex[:8]
    sandbox = pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name=name, uid=uuid.uuid4().hex, namespace="default"),
        hostname=name,
        log_directory=a.log_dir,
        linux=pb.LinuxPodSandboxConfig(
            # a privileged container needs a privileged sandbox
            security_context=pb.LinuxSandboxSecurityContext(namespace_options=ns,
                                                            privileged=a.privileged)),
    )
    sc = pb.LinuxContainerSecurityContext(privileged=a.privileged, namespace_options=ns)
    if a.run_as_user is not None:
        sc.run_as_user.value = a.run_as_user
    cfg = pb.ContainerConfig(
        metadata=pb.ContainerMetadata(name="c"),
        image=pb.ImageSpec(image=a.image),
        command=a.cmd,
        log_path="c.log",
        linux=pb.LinuxContainerConfig(security_context=sc),
    )
    pod = cid = None
    code = 125
    try:
        pod = rt.RunPodSandbox(pb.RunPodSandboxRequest(config=sandbox, runtime_handler=a.handler),
                               timeout=120).pod_sandbox_id
        cid = rt.CreateContainer(pb.CreateContainerRequest(pod_sandbox_id=pod, config=cfg,
                                                           sandbox_config=sandbox),
                                 timeout=120).container_id
        rt.StartContainer(pb.StartContainerRequest(container_id=cid), timeout=120)
        deadline = time.time() + a.timeout
        while True:
            st = rt.ContainerStatus(pb.ContainerStatusRequest(container_id=cid), timeout=10).status
            if st.state == pb.CONTAINER_EXITED:
                code = st.exit_code
                break
            if time.time() > deadline:
                print("cri-pod: the container did not exit in time", file=sys.stderr)
                break
            time.sleep(0.2)
        # CRI log lines: "<time> <stream> <P|F> <text>"
        try:
            with open(os.path.join(a.log_dir, "c.log")) as f:
                for line in f:
                    parts = line.rstrip("\n").split(" ", 3)
                    print(parts[3] if len(parts) == 4 else "")
        except FileNotFoundError:
            pass
    except grpc.RpcError as e:
        print(f"cri-pod: {e.code().name}: {e.details()}", file=sys.stderr)
        code = 125
    finally:
        for call in ((lambda: rt.RemoveContainer(pb.RemoveContainerRequest(container_id=cid), timeout=60))
                     if cid else None,
                     (lambda: rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=pod), timeout=60))
                     if pod else None,
                     (lambda: rt.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=pod), timeout=60))
                     if pod else None):
            if call:
                try:
                    call()
                except grpc.RpcError as e:
                    print(f"cri-pod: cleanup: {e.details()}", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
