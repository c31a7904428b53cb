import Testing
@testable import pipetop

@Suite("--ssh-option")
struct SSHArgumentsTests {
    @Test func takesOptionsAsSshDoes() throws {
        #expect(try SSHArguments.parse(["-F /etc/ssh/other", "-J bastion", "-p 2222", "-p2222", "-i ~/.ssh/k", "-o Port=22", "-oPort=22", "Port=22", "-4", "-A"])
                == ["-F", "/etc/ssh/other", "-J", "bastion", "-p", "2222", "-p", "2222", "-i", "~/.ssh/k", "-o", "Port=22", "-o", "Port=22", "-o", "Port=22", "-4", "-A"])
    }

    @Test func refusesInASentence() {
        for (value, says) in [("-N", "runs no remote command"), ("-F", "needs a value in the same argument"), ("--port 22", "no long options"),
                              ("-Z x", "no option -Z"), ("Port", "give an ssh option"), ("-t", "asks for a terminal"), ("-4N", "one option per")] {
            #expect(throws: SSHArguments.Problem.self) { try SSHArguments.parse([value]) }
            do { _ = try SSHArguments.parse([value]); Issue.record("\(value) accepted") } catch { #expect(error.description.contains(says), "\(value): \(error)") }
        }
    }

    @Test func twoEnginesOfOneHostAreNamedByTheirSockets() {
        #expect(AttachCommand.names(["ana@gpu-1:/run/a.sock", "gpu-1:/run/b.sock", "gpu-2"]) == ["gpu-1:a.sock", "gpu-1:b.sock", "gpu-2"])
        #expect(AttachCommand.names(["gpu-1:/run/user/1/pipetop/pipetop.sock", "gpu-1:/srv/team/pipetop.sock", "gpu-1"])
                == ["gpu-1:pipetop/pipetop.sock", "gpu-1:team/pipetop.sock", "gpu-1:default"])
        #expect(AttachCommand.names(["gpu-1", "gpu-2"]) == ["gpu-1", "gpu-2"])
    }
}
