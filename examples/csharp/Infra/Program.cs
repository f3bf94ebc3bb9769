// The prod platform of the Auth service from C#: the same authdb:index:Platform component, validation and resources
// as the TypeScript stack prod (values from its Pulumi.prod.yaml). Types come from the SDK `pulumi package add` generates.
using System.Collections.Generic;
using Pulumi;
using Pulumi.Authdb;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    var platform = new Platform("platform", Prod.Args(config));
    return new Dictionary<string, object?>
    {
        ["primaryFqdn"] = platform.PrimaryFqdn,
        ["replicaFqdns"] = platform.ReplicaFqdns,
        ["keyVaultName"] = platform.KeyVaultName,
        ["passwordSecretNames"] = platform.PasswordSecretNames,
        ["jdbcUrl"] = platform.JdbcUrl,
        ["applicationPassword"] = platform.ApplicationPassword,
    };
});

public static class Prod
{
    public static PlatformArgs Args(Config config) => new PlatformArgs
        {
            // The Teams webhook: a secret config value of this C# stack (pulumi config set --secret teamsWebhookUrl).
            TeamsWebhookUrl = config.RequireSecret("teamsWebhookUrl"),
            Kind = PlatformKind.Azure,
            Environment = "prod",
            Service = "phonebill-auth",
            ResourceGroupName = "rg-phonebill-prod",
            Location = "koreacentral",
            Tags = new Dictionary<string, string> {
                ["environment"] = "prod",
                ["service"] = "phonebill-auth",
                ["owner"] = "devops-choi-unyeong",
                ["cost-center"] = "phonebill",
            },
            Server = new Inputs.ServerArgs
            {
                Name = "phonebill-auth-postgresql-prod",
                Version = "15",
                Sku = new Inputs.SkuArgs
                {
                    Name = "Standard_D4ds_v5",
                    Tier = SkuTier.GeneralPurpose,
                },
                Storage = new Inputs.StorageArgs
                {
                    Type = StorageType.PremiumLrs,
                    SizeGB = 256,
                    Tier = "P30",
                    AutoGrow = true,
                },
                AvailabilityZone = Zone.One,
                HighAvailability = new Inputs.HighAvailabilityArgs
                {
                    Mode = HighAvailabilityMode.ZoneRedundant,
                    StandbyZone = Zone.Two,
                },
                Backup = new Inputs.BackupArgs
                {
                    RetentionDays = 35,
                    GeoRedundant = true,
                },
                MaintenanceWindow = new Inputs.MaintenanceWindowArgs
                {
                    DayOfWeek = DayOfWeek.Sunday,
                    StartTime = "02:00",
                    UtcOffsetHours = 9,
                },
                AdministratorLogin = "phonebill_admin",
                Authentication = new Inputs.AuthenticationArgs
                {
                    Entra = true,
                    Password = true,
                },
                DeleteLock = true,
                MaxConnections = 100,
            },
            Replicas = new List<Inputs.ReplicaArgs> {
                new Inputs.ReplicaArgs
                {
                    Name = "phonebill-auth-postgresql-prod-krs",
                    Region = "koreasouth",
                    Purpose = "disaster recovery and read offload",
                },
                new Inputs.ReplicaArgs
                {
                    Name = "phonebill-auth-postgresql-prod-krc",
                    Region = "koreacentral",
                    AvailabilityZone = Zone.Three,
                    Purpose = "read offload",
                },
            },
            VirtualEndpoints = new Inputs.VirtualEndpointsArgs
            {
                Name = "phonebill-auth-prod",
                ReaderTarget = "phonebill-auth-postgresql-prod-krs",
            },
            LongTermBackup = new Inputs.LongTermBackupArgs
            {
                VaultName = "bv-phonebill-auth-prod",
                Redundancy = BackupRedundancy.GeoRedundant,
                CrossRegionRestore = true,
                Immutability = Immutability.Unlocked,
                SoftDeleteRetentionDays = 14,
                Schedule = new Inputs.LongTermBackupScheduleArgs
                {
                    DayOfWeek = DayOfWeek.Saturday,
                    StartTime = "03:00",
                    UtcOffsetHours = 9,
                },
                Retention = new Inputs.LongTermBackupRetentionArgs
                {
                    Weeks = 12,
                    Months = 12,
                },
            },
            Database = new Inputs.DatabaseArgs
            {
                Name = "phonebill_auth",
                Charset = "UTF8",
                Collation = "ko_KR.utf8",
            },
            EntraAdmin = new Inputs.EntraAdminArgs
            {
                ObjectId = "6f1c2b1e-0000-4000-8000-00000000a001",
                PrincipalName = "phonebill-db-admins@company.com",
                PrincipalType = PrincipalType.Group,
            },
            Network = new Inputs.NetworkArgs
            {
                PostgresDnsZoneName = "phonebill-auth-prod.private.postgres.database.azure.com",
                Vnets = new List<Inputs.VnetArgs> {
                    new Inputs.VnetArgs
                    {
                        Region = "koreacentral",
                        Name = "phonebill-vnet-prod",
                        AddressSpace = "10.0.0.0/16",
                        Subnets = new Inputs.SubnetsArgs
                        {
                            App = new Inputs.SubnetArgs
                            {
                                Name = "aks-subnet",
                                Cidr = "10.0.1.0/24",
                            },
                            Database = new Inputs.SubnetArgs
                            {
                                Name = "database-subnet",
                                Cidr = "10.0.2.0/24",
                            },
                            PrivateEndpoints = new Inputs.SubnetArgs
                            {
                                Name = "private-endpoint-subnet",
                                Cidr = "10.0.3.0/24",
                            },
                        },
                    },
                    new Inputs.VnetArgs
                    {
                        Region = "koreasouth",
                        Name = "phonebill-vnet-prod-krs",
                        AddressSpace = "10.1.0.0/16",
                        Subnets = new Inputs.SubnetsArgs
                        {
                            Database = new Inputs.SubnetArgs
                            {
                                Name = "database-subnet",
                                Cidr = "10.1.2.0/24",
                            },
                        },
                    },
                },
            },
            KeyVault = new Inputs.KeyVaultArgs
            {
                Name = "kv-phonebill-auth-prod",
                SoftDeleteRetentionDays = 90,
                PurgeProtection = true,
                PublicNetworkAccess = PublicNetworkAccess.Disabled,
                ApplicationPrincipalId = "6f1c2b1e-0000-4000-8000-00000000a002",
                BootstrapPrincipalId = "6f1c2b1e-0000-4000-8000-00000000a004",
            },
            Passwords = new Inputs.PasswordsArgs
            {
                Rotation = "2026-11",
                RotationPeriodDays = 90,
                Length = 32,
                MinUpper = 2,
                MinLower = 2,
                MinNumeric = 2,
                MinSpecial = 2,
            },
            Monitoring = new Inputs.MonitoringArgs
            {
                Workspace = new Inputs.WorkspaceArgs
                {
                    Name = "law-phonebill-prod",
                    RetentionDays = 30,
                    MetricsRetentionDays = 90,
                },
                ActionGroups = new Dictionary<string, Inputs.ActionGroupArgs> {
                    ["critical"] = new Inputs.ActionGroupArgs
                    {
                        Name = "ag-phonebill-db-critical",
                        ShortName = "pbdb-crit",
                        Emails = new List<string> {
                            "phonebill-db-oncall@company.com",
                        },
                        Sms = new List<Inputs.SmsReceiverArgs> {
                            new Inputs.SmsReceiverArgs
                            {
                                CountryCode = "82",
                                PhoneNumber = "1000000000",
                            },
                        },
                        Teams = true,
                    },
                    ["warning"] = new Inputs.ActionGroupArgs
                    {
                        Name = "ag-phonebill-db-warning",
                        ShortName = "pbdb-warn",
                        Teams = true,
                    },
                },
                Alerts = new Inputs.AlertsArgs
                {
                    ServerDown = new Inputs.MetricAlertArgs
                    {
                        Window = "PT1M",
                        Frequency = "PT1M",
                        Severity = 0,
                        ActionGroup = "critical",
                    },
                    CpuPercent = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 90,
                        Window = "PT5M",
                        Frequency = "PT1M",
                        Severity = 1,
                        ActionGroup = "critical",
                    },
                    MemoryPercent = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 95,
                        Window = "PT5M",
                        Frequency = "PT1M",
                        Severity = 1,
                        ActionGroup = "critical",
                    },
                    ActiveConnections = new Inputs.ConnectionsAlertArgs
                    {
                        PercentOfUsable = 70,
                        Window = "PT5M",
                        Frequency = "PT1M",
                        Severity = 1,
                        ActionGroup = "critical",
                    },
                    StoragePercent = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 80,
                        Window = "PT30M",
                        Frequency = "PT5M",
                        Severity = 2,
                        ActionGroup = "warning",
                    },
                    FailedConnections = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 20,
                        Window = "PT5M",
                        Frequency = "PT1M",
                        Severity = 2,
                        ActionGroup = "warning",
                    },
                    DiskIopsPercent = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 90,
                        Window = "PT15M",
                        Frequency = "PT5M",
                        Severity = 2,
                        ActionGroup = "warning",
                    },
                    ReplicaLagSeconds = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 5,
                        Window = "PT5M",
                        Frequency = "PT1M",
                        Severity = 1,
                        ActionGroup = "critical",
                    },
                    Deadlocks = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 0,
                        Window = "PT5M",
                        Frequency = "PT1M",
                        Severity = 2,
                        ActionGroup = "warning",
                    },
                    QueryResponseTimeMs = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 200,
                        Window = "PT10M",
                        Frequency = "PT5M",
                        Severity = 2,
                        ActionGroup = "warning",
                    },
                    SlowQueriesPerHour = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 4,
                        Window = "PT1H",
                        Frequency = "PT15M",
                        Severity = 2,
                        ActionGroup = "warning",
                    },
                    LockWaitMs = new Inputs.ThresholdAlertArgs
                    {
                        Threshold = 50,
                        Window = "PT15M",
                        Frequency = "PT5M",
                        Severity = 2,
                        ActionGroup = "warning",
                    },
                    ResourceHealth = new Inputs.ResourceHealthAlertArgs
                    {
                        ActionGroup = "critical",
                    },
                },
                Budget = new Inputs.BudgetArgs
                {
                    Name = "budget-phonebill-prod",
                    Amount = 1500,
                    StartDate = "2026-12-01",
                    ActualPercent = 80,
                    ForecastPercent = 100,
                    ActionGroups = new List<string> { "warning", "critical" },
                },
            },
            Defender = new Inputs.DefenderArgs
            {
                Enabled = true,
                Scope = DefenderScope.Server,
            },
            Kubernetes = new Inputs.KubernetesArgs
            {
                Enabled = true,
                Namespace = "phonebill-auth",
                ServiceAccountName = "auth-service",
                WorkloadIdentityClientId = "6f1c2b1e-0000-4000-8000-00000000a003",
                BootstrapServiceAccountName = "authdb-bootstrap",
                BootstrapIdentityClientId = "6f1c2b1e-0000-4000-8000-00000000a005",
                BootstrapImage = "postgres:15.10-bookworm",
            },
        };
}
