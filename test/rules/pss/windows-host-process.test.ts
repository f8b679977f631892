import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './windows-host-process.cases.js';

ruleTester(cases.rule, cases);
