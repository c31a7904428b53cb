/// A `.nextflow.log` as Nextflow writes it for a run of three processes where one task is
/// retried and another fails for good (logback's pattern from LoggerHelper.createEncoder:
/// `%d{MMM-dd HH:mm:ss.SSS} [%t] %-5level %logger{36} - %msg`). Each message is one Nextflow
/// 26.08.0-edge logs (class and line): Launcher "$> ..."; CmdRun.printLaunchInfo "Launching
/// `...` [name] - revision: ..."; Session.groovy:403 "Session UUID", :407 "Run name";
/// ScriptRunner:226 "> Launching execution"; TaskProcessor:303 "Creating process";
/// Session.notifyTaskSubmit:1103 "[hash] Submitted process > NAME" (RunType.RETRY:
/// "Re-submitted process"); TaskPollingMonitor.checkTaskStatus:711 "Task completed >
/// TaskHandler[...]" (TaskHandler.toString); TaskProcessor.resumeOrDie:1100 "NOTE: ... --
/// Execution is retried (1)", :1126 "Error executing process > 'NAME'" with
/// TaskErrorFormatter's lines under it; Session.abort:898 "Session aborted -- Cause: ...";
/// WorkflowStatsObserver:48 "Workflow completed > WorkflowStats[...]"; ScriptRunner:248
/// "> Execution complete -- Goodbye".
enum NextflowLogFixture {
    /// Up to QUANT (s2)'s first attempt failing: the run is going.
    static let going = """
        Dec-02 03:40:00.101 [main] DEBUG nextflow.cli.Launcher - $> nextflow run main.nf -profile test
        Dec-02 03:40:00.233 [main] DEBUG nextflow.cli.CmdRun - N E X T F L O W  ~  version 26.08.0-edge
        Dec-02 03:40:00.310 [main] DEBUG nextflow.config.ConfigBuilder - Found config local: /home/ana/rnaseq/nextflow.config
        Dec-02 03:40:00.512 [main] DEBUG nextflow.cli.CmdRun - Launching `main.nf` [tiny_hopper] - revision: 4bcced898e
        Dec-02 03:40:00.640 [main] DEBUG nextflow.Session - Session UUID: 9d1c44e0-2b3a-4f6e-8d7c-1a2b3c4d5e6f
        Dec-02 03:40:00.641 [main] DEBUG nextflow.Session - Run name: tiny_hopper
        Dec-02 03:40:00.642 [main] DEBUG nextflow.Session - Executor pool size: 2
        Dec-02 03:40:01.020 [main] DEBUG nextflow.script.ScriptRunner - > Launching execution
        Dec-02 03:40:01.101 [main] DEBUG nextflow.processor.TaskProcessor - Creating process 'INDEX': maxForks=0; fair=false; array=0
        Dec-02 03:40:01.120 [main] DEBUG nextflow.processor.TaskProcessor - Creating process 'QUANT': maxForks=0; fair=false; array=0
        Dec-02 03:40:01.140 [main] DEBUG nextflow.processor.TaskProcessor - Creating process 'MULTIQC': maxForks=0; fair=false; array=0
        Dec-02 03:40:01.500 [Task submitter] INFO  nextflow.Session - [a1/0024fd] Submitted process > INDEX
        Dec-02 03:40:03.010 [Task monitor] DEBUG n.processor.TaskPollingMonitor - Task completed > TaskHandler[id: 1; name: INDEX; status: COMPLETED; exit: 0; error: -; workDir: /home/ana/rnaseq/work/a1/0024fd028375e2b601aaed44d112e3]
        Dec-02 03:40:03.200 [Task submitter] INFO  nextflow.Session - [b2/33aa11] Submitted process > QUANT (s1)
        Dec-02 03:40:03.210 [Task submitter] INFO  nextflow.Session - [c3/44bb22] Submitted process > QUANT (s2)
        Dec-02 03:40:03.220 [Task submitter] INFO  nextflow.Session - [d4/55cc33] Submitted process > QUANT (s3)
        Dec-02 03:40:05.400 [Task monitor] DEBUG n.processor.TaskPollingMonitor - Task completed > TaskHandler[id: 3; name: QUANT (s2); status: COMPLETED; exit: 1; error: -; workDir: /home/ana/rnaseq/work/c3/44bb22e0a9f1]
        Dec-02 03:40:05.410 [Task monitor] DEBUG nextflow.processor.TaskProcessor - Handling unexpected condition for
          task: name=QUANT (s2); work-dir=/home/ana/rnaseq/work/c3/44bb22e0a9f1
          error [nextflow.exception.ProcessFailedException]: Process `QUANT (s2)` terminated with an error exit status (1)
        Dec-02 03:40:05.420 [Task monitor] INFO  nextflow.processor.TaskProcessor - [c3/44bb22] NOTE: Process `QUANT (s2)` terminated with an error exit status (1) -- Execution is retried (1)

        """

    /// The rest: s2 retried and done, s1 done, s3 fails for good, the run aborts.
    static let rest = """
        Dec-02 03:40:05.600 [Task submitter] INFO  nextflow.Session - [e5/66dd44] Re-submitted process > QUANT (s2)
        Dec-02 03:40:06.100 [Task monitor] DEBUG n.processor.TaskPollingMonitor - Task completed > TaskHandler[id: 2; name: QUANT (s1); status: COMPLETED; exit: 0; error: -; workDir: /home/ana/rnaseq/work/b2/33aa11f00d]
        Dec-02 03:40:07.300 [Task monitor] DEBUG n.processor.TaskPollingMonitor - Task completed > TaskHandler[id: 5; name: QUANT (s2); status: COMPLETED; exit: 0; error: -; workDir: /home/ana/rnaseq/work/e5/66dd44aa01]
        Dec-02 03:40:08.900 [Task monitor] DEBUG n.processor.TaskPollingMonitor - Task completed > TaskHandler[id: 4; name: QUANT (s3); status: COMPLETED; exit: 137; error: -; workDir: /home/ana/rnaseq/work/d4/55cc33bb02]
        Dec-02 03:40:08.920 [Task monitor] ERROR nextflow.processor.TaskProcessor - Error executing process > 'QUANT (s3)'

        Caused by:
          Process `QUANT (s3)` terminated with an error exit status (137)


        Command executed:

          salmon quant -i index -l A -1 s3_1.fq.gz -2 s3_2.fq.gz -o s3

        Command exit status:
          137

        Command output:
          (empty)

        Work dir:
          /home/ana/rnaseq/work/d4/55cc33bb02

        Tip: you can replicate the issue by changing to the process work dir and entering the command `bash .command.run`
        Dec-02 03:40:08.950 [Task monitor] DEBUG nextflow.Session - Session aborted -- Cause: Process `QUANT (s3)` terminated with an error exit status (137)
        Dec-02 03:40:09.010 [main] DEBUG nextflow.Session - Session await > all processes finished
        Dec-02 03:40:09.120 [main] DEBUG n.trace.WorkflowStatsObserver - Workflow completed > WorkflowStats[succeededCount=3; failedCount=2; ignoredCount=0; cachedCount=0; pendingCount=0; submittedCount=0; runningCount=0; retriesCount=1; abortedCount=0; succeedDuration=6.1s; failedDuration=4.2s; cachedDuration=0ms;loadCpus=0; loadMemory=0; peakRunning=3; peakCpus=6; peakMemory=12 GB; ]
        Dec-02 03:40:09.300 [main] DEBUG nextflow.cache.CacheDB - Closing CacheDB done
        Dec-02 03:40:09.350 [main] DEBUG nextflow.script.ScriptRunner - > Execution complete -- Goodbye

        """
}
