package io.crak.cli;

import io.crak.core.HostCheck;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Report which kernel features and freezer backends this host offers, and whether dump/restore can work here.")
public final class CheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        HostCheck.Report r = HostCheck.run();
        for (HostCheck.Item i : r.items()) {
            System.out.printf("%-4s %-28s %s%n", i.ok() ? "ok" : (i.required() ? "FAIL" : "no"), i.name(), i.detail());
        }
        System.out.println(r.usable() ? "dump/restore: usable on this host" : "dump/restore: NOT usable on this host");
        return r.usable() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
}
